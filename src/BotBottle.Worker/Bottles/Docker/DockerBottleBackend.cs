using System.Net;
using System.Text;
using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Core.ClaudeConfig;
using BotBottle.Core.Egress;
using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;
using BotBottle.Core.State;
using BotBottle.Worker.Bottles.Gvisor;
using BotBottle.Worker.Bottles.Workspace;
using BotBottle.Worker.Egress;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Bottles on the Docker engine, one container per bottle, each with an egress proxy sidecar as its
/// only way out. Two backends share it: docker (runc, the bottle on its own internal network beside
/// the sidecar) and gvisor (runsc, no network device, a Unix socket to the sidecar); everything
/// else (state, metadata, snapshots, limits, teardown, inventory) is the same code.
/// </summary>
public sealed partial class DockerBottleBackend(
    IDockerClient docker,
    BottleStateStore state,
    WorkspaceProvisioner workspaces,
    EgressSidecars sidecars,
    GvisorRuntime gvisor,
    EgressCertificateAuthority authority,
    IOptions<EgressOptions> egress,
    IOptions<BottleOptions> options,
    TimeProvider clock,
    ILogger<DockerBottleBackend> logger) : IBottleBackend, IAsyncDisposable
{
    public const string WorkspaceDirName = BottleSnapshots.WorkspaceDirName;

    // Spare networks come with a standby egress proxy already listening: starting a container is the
    // slowest step of a launch, and this way the proxy's start is not in it.
    private readonly BottleNetworks _networks = new(docker, options.Value, logger, sidecars.StartStandbyAsync, sidecars.RemoveStandbyOnAsync);
    private readonly BottleSnapshots _snapshots = new(docker, state);
    private readonly BottleInventory _inventory = new(docker, state, logger);
    private readonly BottleCommands _commands = new(docker, new RunLogs(state, options.Value.Output, clock), options.Value.Output);
    private readonly BottleDisks _disks = new(options.Value.StateRoot, logger);

    public string Name => DockerNames.Backend;

    public ValueTask DisposeAsync() => _networks.DisposeAsync();

    /// <summary>Readies spare networks so the next launches need not create one.</summary>
    public Task WarmAsync(CancellationToken cancellationToken) => _networks.WarmAsync(cancellationToken);

    /// <summary>
    /// Removes what processes on this machine that died left behind: bottles that existed only for
    /// a run, proxies without a bottle, spare networks and their standby proxies.
    /// </summary>
    public async Task SweepOrphansAsync(CancellationToken cancellationToken)
    {
        await new OrphanSweeper(docker, _networks, ForgetRuntimeRecordOf, logger).SweepAsync(cancellationToken);
        await _disks.SweepAsync(await _inventory.SlugsOnEngineAsync(cancellationToken), TimeSpan.FromMinutes(2), cancellationToken);
    }

    /// <summary>Deletes the bottle's runtime record if it names <paramref name="container"/> (the bottle is down then).</summary>
    private bool ForgetRuntimeRecordOf(string slug, string container)
    {
        if (!Slug.IsValid(slug) || RuntimeRecord.TryRead(state.BottleDir(slug)) is not { } record || record.Container != container)
        {
            return false;
        }

        RuntimeRecord.Delete(state.BottleDir(slug));
        return true;
    }

    public async Task<PreparedBottle> PrepareAsync(BottleSpec spec, WorkspaceSource workspace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var agent = spec.Agent;
        // Before anything is created: a backend this engine cannot run is refused with the reason.
        await gvisor.RequireAsync(spec.Backend, cancellationToken);
        // Container and network names are engine-wide; another Worker or state root may hold a slug.
        var onEngine = await _inventory.SlugsOnEngineAsync(cancellationToken);
        var slug = state.CreateBottle(onEngine.Contains);
        try
        {
            var metadata = BottleMetadata.ForNewBottle(spec, clock.GetUtcNow(), DockerNames.Container(slug), spec.Backend.ToName());
            state.WriteMetadata(slug, metadata);
            var prepared = new PreparedBottle(slug, agent, metadata, state.BottleDir(slug), Path.Combine(state.BottleDir(slug), WorkspaceDirName));
            await workspaces.ProvisionAsync(workspace, prepared.WorkspaceDirectory, cancellationToken);
            return prepared;
        }
        catch
        {
            // A half-prepared bottle would be listed forever; nothing in it is worth keeping.
            state.Delete(slug);
            throw;
        }
    }

    public PreparedBottle Reopen(string slug, AgentManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var metadata = state.TryReadMetadata(slug) ?? throw new BottleNotFoundException(slug);
        var agent = manifest.GetAgent(metadata.AgentName);
        return new PreparedBottle(slug, agent, metadata, state.BottleDir(slug), Path.Combine(state.BottleDir(slug), WorkspaceDirName));
    }

    public async Task<string> LaunchAsync(PreparedBottle bottle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        await RemoveContainerAndNetworkAsync(bottle.Slug, cancellationToken);

        var network = await _networks.TakeAsync(cancellationToken);
        try
        {
            return await LaunchOnAsync(bottle, network, cancellationToken);
        }
        finally
        {
            _networks.Refill();
        }
    }

    /// <summary>What a snapshot may hold at most: what the bottle's disk holds, or the largest disk this Worker grants.</summary>
    private long SnapshotLimit(string? disk) =>
        disk is not null && BottleDisks.SizeOf(disk) is { } size ? size : options.Value.Limits.ToPolicy().Maximums.DiskBytes!.Value;

    /// <summary>The bottle's own disk of its agent's size, or null (and a warning) when this Worker cannot mount one.</summary>
    private async Task<string?> DiskForAsync(PreparedBottle bottle, CancellationToken cancellationToken)
    {
        if (!BottleDisks.CanEnforce)
        {
            LogNoDiskLimit(logger, bottle.Slug);
            return null;
        }

        return await _disks.CreateAsync(bottle.Slug, bottle.Agent.Limits.DiskBytes ?? options.Value.Limits.ToPolicy().Defaults.DiskBytes!.Value, cancellationToken);
    }

    /// <summary>The gVisor sandbox of a bottle whose metadata says gvisor (its socket directory made), else null.</summary>
    private async Task<GvisorSandbox?> SandboxOfAsync(PreparedBottle bottle, CancellationToken cancellationToken)
    {
        if (!BackendNames.TryParse(bottle.Metadata.Backend, out var backend) || backend != BackendKind.Gvisor)
        {
            return null;
        }

        await gvisor.RequireAsync(backend, cancellationToken);
        return new GvisorSandbox(gvisor.Name, await EgressSockets.PrepareAsync(bottle.StateDirectory, cancellationToken), egress.Value);
    }

    private async Task<string> LaunchOnAsync(PreparedBottle bottle, BottleNetwork network, CancellationToken cancellationToken)
    {
        bottle = TrustingTheInspectionCa(bottle);
        var sandbox = await SandboxOfAsync(bottle, cancellationToken);
        var path = sandbox is null ? EgressPath.OnNetwork(network, egress.Value) : EgressPath.ThroughSockets(egress.Value);
        var environment = BottleContainerSpec.MergedEnvironment(bottle, options.Value);
        EgressRule[] apis = [EgressPolicy.HarnessApi(bottle.Agent.Harness, environment)];
        // The model credential goes to the sidecar; the bottle gets a placeholder and the sidecar's address.
        var credential = CredentialBroker.Take(bottle.Agent.Harness, environment, path.HarnessApiUrl);
        bottle = HarnessLaunchFiles.With(bottle, environment);
        // So does the Git host's token: git in the bottle reaches the PR's repository through the sidecar.
        var git = bottle.GitCredential;
        if (git is not null)
        {
            foreach (var (name, value) in GitRemote.Environment(git.Route, path.GitRemoteUrl))
            {
                environment[name] = value;
            }
        }

        var policy = EgressPolicy.For(bottle.Agent, apis, bottle.ExtraEgress) with { BrokeredApi = credential?.Route, BrokeredGit = git?.Route };
        // The proxy starts while the bottle's disk is made and the bottle created: they only need the network.
        var proxy = sidecars.StartAsync(bottle.Slug, network, policy, new SidecarSecrets(credential, git), sandbox?.Sockets, cancellationToken);
        string? disk = null;
        CreateContainerResponse container;
        try
        {
            disk = await DiskForAsync(bottle, cancellationToken);
            container = await CreateBottleContainerAsync(bottle, environment, network, path, disk, sandbox, cancellationToken);
        }
        catch
        {
            // Nothing records the network yet: without this it would hold its subnet forever.
            await Task.WhenAny(proxy);
            await sidecars.RemoveAsync(bottle.Slug, CancellationToken.None);
            await _networks.DeleteAsync(network.Name, CancellationToken.None);
            if (disk is not null)
            {
                await _disks.ReleaseAsync(disk, CancellationToken.None);
            }

            throw;
        }

        string proxyId;
        // Recorded before anything else can fail, so teardown always finds the network and the disk.
        new RuntimeRecord(container.ID, network.Name, bottle.Agent.Image, BottleServices.Of(bottle.Agent), network.Subnet,
            [.. apis.Select(r => r.ToString())], [.. bottle.ExtraEgress.Select(r => r.ToString())], disk, BrokeredApi.Of(credential?.Route), BrokeredGit.Of(git?.Route)).Write(bottle.StateDirectory);

        try
        {
            // Copied in after the start: a running container's filesystem is already mounted, a created
            // one's is mounted just for the copy, which costs more than the copy. The bottle only idles
            // until the harness is exec'd, and that happens after launch returns.
            await using var files = await _snapshots.FilesForLaunchAsync(bottle, cancellationToken);
            if (sandbox is null)
            {
                await docker.Containers.StartContainerAsync(container.ID, new ContainerStartParameters(), cancellationToken);
                await docker.Containers.ExtractArchiveToContainerAsync(
                    container.ID, new ContainerPathStatParameters { Path = AgentPaths.Home }, files, cancellationToken);
            }
            else
            {
                // Before the start: gVisor's kernel keeps its own view of the files it serves, and
                // need not notice what is written under it afterwards.
                await docker.Containers.ExtractArchiveToContainerAsync(
                    container.ID, new ContainerPathStatParameters { Path = AgentPaths.Home }, files, cancellationToken);
                await docker.Containers.StartContainerAsync(container.ID, new ContainerStartParameters(), cancellationToken);
                await new RelayReadiness(docker, options.Value.RelayReadyTimeout).WaitAsync(container.ID, cancellationToken);
            }

            proxyId = await proxy;
        }
        catch
        {
            // A bottle without its proxy (or half started) must not stay up: remove all of it.
            await Task.WhenAny(proxy);
            await RemoveContainerAndNetworkAsync(bottle.Slug, CancellationToken.None);
            throw;
        }

        LogLaunched(logger, bottle.Slug, bottle.Agent.Key, BottleContainerSpec.Describe(bottle.Agent));
        return new DockerInstance(container.ID, proxyId, network.Name, disk).ToString();
    }

    public Task<IReadOnlyList<ActiveAgent>> EnumerateAsync(CancellationToken cancellationToken) => _inventory.EnumerateAsync(cancellationToken);

    private async Task<CreateContainerResponse> CreateBottleContainerAsync(
        PreparedBottle bottle, Dictionary<string, string> environment, BottleNetwork network, EgressPath path, string? disk, GvisorSandbox? sandbox, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.Containers.CreateContainerAsync(
                BottleContainerSpec.Create(bottle, environment, network, path, options.Value, disk, sandbox), cancellationToken);
        }
        catch (DockerImageNotFoundException)
        {
            throw new InvalidOperationException(
                $"the image {bottle.Agent.Image} of agent {bottle.Agent.Key} is missing on the Docker engine: build it (build/images/*.sh builds BotBottle's own; ./test.sh runs them all) or fix the agent's image in the manifest");
        }
    }

    public Task<ExecOutcome> ExecAsync(string slug, IReadOnlyList<string> command, IProgress<OutputLine>? output, CancellationToken cancellationToken) =>
        _commands.ExecAsync(slug, command, output, cancellationToken);

    public async Task SnapshotTranscriptAsync(string slug, CancellationToken cancellationToken)
    {
        var metadata = state.TryReadMetadata(slug) ?? throw new BottleNotFoundException(slug);
        await _snapshots.SnapshotAsync(slug, DockerNames.Container(slug), SnapshotLimit(RuntimeRecord.TryRead(state.BottleDir(slug))?.Disk), cancellationToken);
        LogSnapshotted(logger, slug, metadata.AgentName);
    }

    public async Task SnapshotInstanceAsync(string slug, string instance, CancellationToken cancellationToken)
    {
        var metadata = state.TryReadMetadata(slug) ?? throw new BottleNotFoundException(slug);
        var launched = DockerInstance.Parse(instance);
        await _snapshots.SnapshotAsync(slug, launched.Container, SnapshotLimit(launched.Disk), cancellationToken);
        LogSnapshotted(logger, slug, metadata.AgentName);
    }

    public async Task<bool> ReleaseInstanceAsync(string slug, string instance, CancellationToken cancellationToken)
    {
        var launched = DockerInstance.Parse(instance);
        var record = RuntimeRecord.TryRead(state.BottleDir(slug));
        var current = record is null || record.Container == launched.Container;
        if (current && record is not null)
        {
            // First, so the bottle is never seen with its record but without its container.
            RuntimeRecord.Delete(state.BottleDir(slug));
        }

        await RemoveContainerAsync(launched.Container, cancellationToken);
        await RemoveContainerAsync(launched.Proxy, cancellationToken);
        await _networks.DeleteAsync(launched.Network, cancellationToken);
        if (launched.Disk is not null)
        {
            await _disks.ReleaseAsync(launched.Disk, cancellationToken);
        }

        LogReleased(logger, slug, current);
        return current;
    }

    private async Task RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        if (id.Length == 0)
        {
            return;
        }

        await docker.RemoveAsync(id, cancellationToken);
    }

    public async Task TeardownAsync(string slug, bool deleteState, CancellationToken cancellationToken)
    {
        var known = Directory.Exists(state.BottleDir(slug));
        var removed = await RemoveContainerAndNetworkAsync(slug, cancellationToken);
        if (!known && !removed)
        {
            throw new BottleNotFoundException(slug);
        }

        if (deleteState)
        {
            state.Delete(slug);
        }

        LogTornDown(logger, slug, deleteState);
    }

    private async Task<bool> RemoveContainerAndNetworkAsync(string slug, CancellationToken cancellationToken)
    {
        var record = RuntimeRecord.TryRead(state.BottleDir(slug));
        var network = record?.Network is { Length: > 0 } recorded
            ? recorded
            : await NetworkOfContainerAsync(slug, cancellationToken);
        if (Directory.Exists(state.BottleDir(slug)))
        {
            // First, so the bottle is never seen with its record but without its container.
            RuntimeRecord.Delete(state.BottleDir(slug));
        }

        var removed = await docker.RemoveAsync(DockerNames.Container(slug), cancellationToken);

        // Before the network: a network with a container still attached cannot be deleted.
        await sidecars.RemoveAsync(slug, cancellationToken);

        if (network is not null)
        {
            await _networks.DeleteAsync(network, cancellationToken);
        }

        if (record?.Disk is { Length: > 0 } disk)
        {
            await _disks.ReleaseAsync(disk, cancellationToken);
        }

        return removed;
    }

    /// <summary>For a bottle whose runtime record is gone: the network its container is attached to.</summary>
    private async Task<string?> NetworkOfContainerAsync(string slug, CancellationToken cancellationToken)
    {
        try
        {
            var inspect = await docker.Containers.InspectContainerAsync(DockerNames.Container(slug), cancellationToken);
            return inspect.NetworkSettings?.Networks?.Keys.FirstOrDefault(n => n.StartsWith("botbottle-net-", StringComparison.Ordinal));
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// With TLS inspection on, the bottle gets the inspection CA's certificate and every common way
    /// of saying "trust it": the proxy presents certificates from that CA for every HTTPS site.
    /// </summary>
    private PreparedBottle TrustingTheInspectionCa(PreparedBottle bottle)
    {
        if (!egress.Value.TlsInspection)
        {
            return bottle;
        }

        const string relative = ".botbottle/egress-ca.crt";
        var path = $"{AgentPaths.Home}/{relative}";
        var environment = new Dictionary<string, string>(bottle.ExtraEnvironment, StringComparer.Ordinal);
        foreach (var name in (string[])["NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO"])
        {
            environment[name] = path;
        }

        var files = new Dictionary<string, string>(bottle.ExtraFiles, StringComparer.Ordinal) { [relative] = authority.Get().Certificate };
        return bottle with { ExtraEnvironment = environment, ExtraFiles = files };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bottle {Slug} runs without a disk limit: mounting a disk needs a Worker running as root with mkfs.ext4 (its home shares the host's disk)")]
    private static partial void LogNoDiskLimit(ILogger logger, string slug);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bottle {Slug} ({Agent}) launched: {Container}")]
    private static partial void LogLaunched(ILogger logger, string slug, string agent, string container);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bottle {Slug} ({Agent}) transcript snapshotted")]
    private static partial void LogSnapshotted(ILogger logger, string slug, string agent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bottle {Slug}: its run's container, proxy and network removed (it was the current instance: {Current})")]
    private static partial void LogReleased(ILogger logger, string slug, bool current);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bottle {Slug} torn down (state deleted: {Deleted})")]
    private static partial void LogTornDown(ILogger logger, string slug, bool deleted);
}
