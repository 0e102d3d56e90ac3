using BotBottle.Testing;
using BotBottle.Core.Backends;
using BotBottle.Core.Manifest;
using BotBottle.Core.State;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Bottles.Gvisor;
using BotBottle.Worker.Bottles.Workspace;
using BotBottle.Worker.Egress;
using BotBottle.Worker.Events;
using BotBottle.Worker.Manifests;
using BotBottle.Worker.Runs;
using Docker.DotNet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Tests.Support;

/// <summary>
/// A Docker backend on the real engine with a private state root, plus a manifest written for the
/// test. Whatever bottles a test leaves behind are torn down on dispose.
/// </summary>
public sealed class BottleHarness : IAsyncDisposable
{
    private readonly TempDirectory _root = new("botbottle-worker");

    public BottleHarness(string manifestYaml, Action<BottleOptions>? configure = null)
    {
        ManifestPath = _root.Combine("agents.yaml");
        File.WriteAllText(ManifestPath, manifestYaml);
        Options = new BottleOptions { StateRoot = _root.Combine("state"), ManifestPath = ManifestPath };
        configure?.Invoke(Options);
        Docker = BottlesServiceCollectionExtensions.CreateDockerClient(Options);
        State = new BottleStateStore(Options.StateRoot);
        Authority = new EgressCertificateAuthority(Microsoft.Extensions.Options.Options.Create(Egress), Microsoft.Extensions.Options.Options.Create(Options));
        Sidecars = new EgressSidecars(
            Docker,
            Microsoft.Extensions.Options.Options.Create(Egress),
            Microsoft.Extensions.Options.Options.Create(Options),
            Authority,
            NullLogger<EgressSidecars>.Instance);
        Backend = new DockerBottleBackend(
            Docker,
            State,
            new WorkspaceProvisioner(NullLogger<WorkspaceProvisioner>.Instance),
            Sidecars,
            new GvisorRuntime(Docker, Microsoft.Extensions.Options.Options.Create(Options)),
            Authority,
            Microsoft.Extensions.Options.Options.Create(Egress),
            Microsoft.Extensions.Options.Options.Create(Options),
            TimeProvider.System,
            NullLogger<DockerBottleBackend>.Instance);
    }

    public string ManifestPath { get; }

    public BottleOptions Options { get; }

    public DockerClient Docker { get; }

    public BottleStateStore State { get; }

    public DockerBottleBackend Backend { get; }

    public EgressOptions Egress { get; } = new();

    /// <summary>The Worker's Gitea settings for runs through <see cref="Runner"/> (none by default: no Git credentials brokered).</summary>
    public Gitea.GiteaOptions Gitea { get; } = new();

    public EgressSidecars Sidecars { get; }

    public EgressCertificateAuthority Authority { get; }

    public ManifestSource ManifestSource => new(Microsoft.Extensions.Options.Options.Create(Options), new TestHostEnvironment(_root.Path));

    public AgentManifest Manifest => ManifestLoader.LoadFile(ManifestPath);

    public Worker.LocalModels.LocalModelOptions LocalModels { get; } = new();

    public Worker.LocalModels.LocalModelWiring ModelWiring => new(
        Microsoft.Extensions.Options.Options.Create(LocalModels),
        Microsoft.Extensions.Options.Options.Create(Options),
        new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());

    public BottleRunner Runner(IBottleEvents events, StackExchange.Redis.IConnectionMultiplexer redis) => new(
        Backend,
        new WorkspaceProvisioner(NullLogger<WorkspaceProvisioner>.Instance),
        ManifestSource,
        events,
        new BottleDirectory(redis, NullLogger<BottleDirectory>.Instance),
        ModelWiring,
        new Gitea.GitRemoteBroker(Microsoft.Extensions.Options.Options.Create(Gitea)),
        new BudgetGuard(new BotBottle.Queue.Runs.RunHistory(redis), TimeProvider.System),
        Microsoft.Extensions.Options.Options.Create(Options),
        TimeProvider.System,
        NullLogger<BottleRunner>.Instance);

    /// <summary>The Worker's egress monitor over this harness's bottles, publishing to <paramref name="events"/>.</summary>
    public EgressMonitor EgressMonitor(StackExchange.Redis.IConnectionMultiplexer redis, IBottleEvents events) => new(
        Docker,
        Sidecars,
        redis,
        events,
        new BottleEgressPolicies(State),
        ManifestSource,
        Microsoft.Extensions.Options.Options.Create(Egress),
        TimeProvider.System,
        NullLogger<EgressMonitor>.Instance);

    public string Scratch(string name)
    {
        var path = _root.Combine(name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Runs <paramref name="script"/> with bash in <paramref name="bottle"/>, as its agent user.</summary>
    public Task<ExecOutcome> BashAsync(PreparedBottle bottle, string script)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return Backend.ExecAsync(bottle.Slug, ["bash", "-c", script], null, default);
    }

    /// <summary>What <paramref name="container"/> wrote to its standard output and error.</summary>
    public async Task<string> LogsAsync(string container)
    {
        using var stream = await Docker.Containers.GetContainerLogsAsync(
            container, tty: false, new Docker.DotNet.Models.ContainerLogsParameters { ShowStderr = true, ShowStdout = true });
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(default);
        return stdout + stderr;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var slug in State.ListSlugs())
        {
            try
            {
                await Backend.TeardownAsync(slug, deleteState: false, CancellationToken.None);
            }
            catch (Core.Backends.BottleNotFoundException)
            {
            }
        }

        await Backend.DisposeAsync();
        Sidecars.Dispose();
        Docker.Dispose();
        _root.Dispose();
    }
}
