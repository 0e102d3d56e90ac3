using BotBottle.Core.Egress;
using BotBottle.Core.Harnesses;
using BotBottle.Core.State;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Egress;

/// <summary>
/// The egress proxy beside each bottle: a Squid container on the bottle's internal network (the
/// bottle's only way out) and on the outside network. Its configuration is generated from the
/// bottle's policy; a changed policy is written in and Squid reconfigures without a restart.
/// </summary>
public sealed partial class EgressSidecars(
    IDockerClient docker,
    IOptions<EgressOptions> options,
    IOptions<BottleOptions> bottles,
    EgressCertificateAuthority authority,
    ILogger<EgressSidecars> logger) : IDisposable
{
    /// <summary>Marks every sidecar, standby ones included; which bottle one serves is in its name.</summary>
    public const string ForLabel = "io.botbottle.egress";

    private const string NamePrefix = "botbottle-egress-";

    /// <summary>The sidecar's and the bottle's fixed addresses in the bottle's subnet (1 is the gateway).</summary>
    public const int ProxyOffset = 2;

    public const int BottleOffset = 3;

    private readonly OutsideNetworks _outside = new(docker, options.Value);
    private readonly SidecarPlacements _placements = new(options.Value, bottles.Value);
    private readonly SidecarReadiness _readiness = new(docker, options.Value);

    /// <summary>The image's script that applies copied-in *.next files (see build/images/egress/reconfigure).</summary>
    private const string ReconfigureCommand = "/usr/local/bin/botbottle-egress-reconfigure";

    public void Dispose() => _outside.Dispose();

    public static string ContainerName(string slug) => NamePrefix + slug;

    /// <summary>The slug of the bottle a sidecar of this name serves; null for a standby one.</summary>
    public static string? SlugOf(string containerName) =>
        containerName.StartsWith(NamePrefix, StringComparison.Ordinal) && Slug.IsValid(containerName[NamePrefix.Length..])
            ? containerName[NamePrefix.Length..]
            : null;

    /// <summary>The slugs of the bottles whose sidecars are running on the engine (standby ones left out).</summary>
    public async Task<IReadOnlyList<string>> RunningAsync(CancellationToken cancellationToken)
    {
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [ForLabel] = true },
            },
        }, cancellationToken);
        return [.. containers
            .SelectMany(c => c.Names)
            .Select(name => name.TrimStart('/'))
            .Where(name => name.StartsWith(NamePrefix, StringComparison.Ordinal))
            .Select(name => name[NamePrefix.Length..])
            .Where(Slug.IsValid)];
    }

    /// <summary>
    /// Starts a sidecar on a spare network before any bottle needs it, denying everything; a launch
    /// that takes the network adopts it (<see cref="StartAsync"/>) instead of waiting for a container
    /// start, which on a Docker engine costs more than the rest of the launch.
    /// </summary>
    public async Task<BottleNetwork> StartStandbyAsync(BottleNetwork network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var name = StandbyName(network.Name);
        var id = await StartContainerAsync(name, network, EgressPolicy.DenyAll, secrets: SidecarSecrets.None, sockets: null, cancellationToken);
        return network with { StandbyProxy = name, StandbyProxyId = id };
    }

    /// <summary>
    /// The proxy user in the egress image (Debian's) owns the credential file; its group is root's, for
    /// the validation of a new configuration, which runs as a root without CAP_DAC_OVERRIDE.
    /// </summary>
    internal const int ProxyUid = 13;

    private const int RootGroup = 0;

    private const UnixFileMode SecretFile = UnixFileMode.UserRead | UnixFileMode.GroupRead;

    private const UnixFileMode PublicFile = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// The sidecar for <paramref name="slug"/>: the network's standby one renamed and given the
    /// bottle's policy when there is one, else a new one. Returns the sidecar's container id once
    /// Squid accepts connections under that policy. <paramref name="secrets"/> (the harness's
    /// credential, the Git host's token) go into the sidecar as a file only Squid's user reads, never into its environment.
    /// A bottle without a network device gets a new sidecar serving <paramref name="sockets"/> (see
    /// <see cref="EgressSockets"/>): a standby one was started without that directory.
    /// </summary>
    public async Task<string> StartAsync(string slug, BottleNetwork network, EgressPolicy policy, SidecarSecrets secrets, string? sockets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        await RemoveAsync(slug, cancellationToken);
        if (sockets is not null && network.StandbyProxyId is { } unused)
        {
            await RemoveContainerAsync(unused, cancellationToken);
        }
        else if (network is { StandbyProxy: { } standby, StandbyProxyId: { } standbyId })
        {
            try
            {
                await docker.Containers.RenameContainerAsync(standby, new ContainerRenameParameters { NewName = ContainerName(slug) }, cancellationToken);
                // No separate check of a fresh sidecar's first real configuration: were it bad, Squid
                // would exit, and waiting for it to listen again reports that.
                await ApplyAsync(slug, network, policy, secrets, validate: false, cancellationToken);
                return standbyId;
            }
            catch (Exception ex) when (ex is DockerApiException or InvalidOperationException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                // The standby died meanwhile (the engine restarted, or it was removed): a new one instead.
                LogStandbyLost(logger, standby, ex.Message);
                await RemoveContainerAsync(standbyId, cancellationToken);
            }
        }

        return await StartContainerAsync(ContainerName(slug), network, policy, secrets, sockets, cancellationToken);
    }

    /// <summary>Removes the standby sidecar of a spare network, by the network's name.</summary>
    public Task RemoveStandbyOnAsync(string networkName, CancellationToken cancellationToken) =>
        RemoveContainerAsync(StandbyName(networkName), cancellationToken);

    private static string StandbyName(string networkName) => $"{NamePrefix}standby-{networkName}";

    private async Task<string> StartContainerAsync(string name, BottleNetwork network, EgressPolicy policy, SidecarSecrets secrets, string? sockets, CancellationToken cancellationToken)
    {
        var outside = await _outside.GetAsync(cancellationToken);
        string id;
        try
        {
            var placement = _placements.For(network, outside);
            var spec = SidecarContainerSpec.Create(
                name, network, SquidConfig.Render(policy, placement), SidecarFirewall.Render(policy, placement), outside, options.Value, bottles.Value, sockets);
            id = (await docker.Containers.CreateContainerAsync(spec, cancellationToken)).ID;
        }
        catch (DockerImageNotFoundException)
        {
            throw new InvalidOperationException(
                $"the egress proxy image {options.Value.Image} is missing on the Docker engine; build it with build/images/egress.sh (or set BotBottle:Egress:Image)");
        }

        if (StartFiles(secrets) is { } files)
        {
            using (files)
            {
                await docker.Containers.ExtractArchiveToContainerAsync(
                    name, new ContainerPathStatParameters { Path = Path.GetDirectoryName(SquidConfig.ConfigPath)! }, files, cancellationToken);
            }
        }

        try
        {
            await docker.Networks.ConnectNetworkAsync(outside.Name, new NetworkConnectParameters { Container = name }, cancellationToken);
        }
        catch (DockerNetworkNotFoundException)
        {
            _outside.Forget();
            throw;
        }

        await docker.Containers.StartContainerAsync(name, new ContainerStartParameters(), cancellationToken);
        await _readiness.WaitUntilListeningAsync(name, alreadyListening: 0, cancellationToken);
        return id;
    }

    /// <summary>
    /// What a new sidecar needs besides its configuration, as a tar (null when nothing): the inspection
    /// CA with its key and the harness credential, readable by Squid's user only (and, for the
    /// credential, root's group, which validates configurations), and the upstream CAs, public.
    /// </summary>
    private MemoryStream? StartFiles(SidecarSecrets secrets)
    {
        var egress = options.Value;
        if (!egress.TlsInspection && egress.UpstreamCaFile.Length == 0 && secrets.IsEmpty)
        {
            return null;
        }

        using var archive = new BottleArchiveBuilder();
        if (egress.TlsInspection)
        {
            var (certificate, key) = authority.Get();
            archive.AddFile(Path.GetFileName(SquidConfig.CaPath), certificate + key, UnixFileMode.UserRead, ProxyUid, ProxyUid);
        }

        if (egress.UpstreamCaFile is { Length: > 0 } upstream)
        {
            archive.AddFile(Path.GetFileName(SquidConfig.UpstreamCaPath), File.ReadAllText(upstream), PublicFile, ProxyUid, ProxyUid);
        }

        if (!secrets.IsEmpty)
        {
            archive.AddFile(Path.GetFileName(SquidConfig.CredentialsPath), SquidConfig.RenderCredentials(secrets), SecretFile, ProxyUid, RootGroup);
        }

        // A copy: the builder's own buffer goes with the builder.
        return new MemoryStream(archive.Finish().ToArray());
    }

    /// <summary>Writes a new policy into a running sidecar and has Squid reconfigure; the bottle keeps running.</summary>
    public Task ReloadAsync(string slug, BottleNetwork network, EgressPolicy policy, CancellationToken cancellationToken) =>
        ApplyAsync(slug, network, policy, secrets: SidecarSecrets.None, validate: true, cancellationToken);

    /// <param name="secrets">Written with the configuration when adopting a standby; a reload keeps the ones the sidecar has.</param>
    private async Task ApplyAsync(string slug, BottleNetwork network, EgressPolicy policy, SidecarSecrets secrets, bool validate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var outside = await _outside.GetAsync(cancellationToken);
        using var archive = new BottleArchiveBuilder();
        var placement = _placements.For(network, outside);
        archive.AddFile(Path.GetFileName(SquidConfig.ConfigPath) + ".next", SquidConfig.Render(policy, placement));
        archive.AddFile(Path.GetFileName(SidecarFirewall.RulesPath) + ".next", SidecarFirewall.Render(policy, placement));
        if (!secrets.IsEmpty)
        {
            archive.AddFile(Path.GetFileName(SquidConfig.CredentialsPath) + ".next", SquidConfig.RenderCredentials(secrets), SecretFile, ProxyUid, RootGroup);
        }

        var name = ContainerName(slug);
        var listening = await _readiness.ListeningCountAsync(name, cancellationToken);
        await docker.Containers.ExtractArchiveToContainerAsync(
            name, new ContainerPathStatParameters { Path = Path.GetDirectoryName(SquidConfig.ConfigPath)! }, archive.Finish(), cancellationToken);
        var exec = await docker.Exec.ExecCreateContainerAsync(name, new ContainerExecCreateParameters
        {
            // Checked before it replaces the running configuration (Squid dies on a bad one), unless
            // this is a standby's first real one. Root for the packet filter: the exec has the
            // container's capabilities, not Squid's (none); the script drops them for the rest.
            Cmd = validate ? [ReconfigureCommand, "--validate"] : [ReconfigureCommand],
            User = "root",
            AttachStdout = true,
            AttachStderr = true,
        }, cancellationToken);
        string output;
        using (var stream = await docker.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false, cancellationToken))
        {
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken);
            output = stdout + stderr;
        }

        var inspect = await docker.Exec.InspectContainerExecAsync(exec.ID, cancellationToken);
        if (inspect.ExitCode != 0)
        {
            throw new InvalidOperationException($"the egress proxy of {slug} refused its new configuration (exit {inspect.ExitCode}): {ContainerLogs.LastLines(output)}");
        }

        // Squid closes and reopens its port while it reconfigures; the new policy holds once it listens again.
        await _readiness.WaitUntilListeningAsync(name, listening, cancellationToken);
        LogReloaded(logger, slug, policy.Allowed.Count);
    }

    public Task RemoveAsync(string slug, CancellationToken cancellationToken) => RemoveContainerAsync(ContainerName(slug), cancellationToken);

    private async Task RemoveContainerAsync(string name, CancellationToken cancellationToken) => await docker.RemoveAsync(name, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Standby egress proxy {Standby} could not be adopted ({Reason}); starting a new one")]
    private static partial void LogStandbyLost(ILogger logger, string standby, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Egress proxy of {Slug} reconfigured: {Rules} allowlist rules")]
    private static partial void LogReloaded(ILogger logger, string slug, int rules);
}
