using System.Net;
using BotBottle.Core.Egress;
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

    private readonly SemaphoreSlim _outsideGate = new(1, 1);
    private OutsideNetwork? _outside;

    private const string ValidateStep = $$"""
        out=$(/usr/sbin/squid -k parse -f {{SquidConfig.ConfigPath}}.next 2>&1) || { echo "$out"; exit 1; }
        if echo "$out" | grep -qE 'FATAL|ERROR'; then echo "$out"; exit 1; fi

        """;

    private const string ReconfigureScript = $$"""
        set -e
        {{ValidateStep}}mv {{SquidConfig.PatternsPath}}.next {{SquidConfig.PatternsPath}}
        mv {{SquidConfig.ConfigPath}}.next {{SquidConfig.ConfigPath}}
        kill -HUP 1
        """;

    public void Dispose() => _outsideGate.Dispose();

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
        var id = await StartContainerAsync(name, network, EgressPolicy.DenyAll, cancellationToken);
        return network with { StandbyProxy = name, StandbyProxyId = id };
    }

    /// <summary>What a bottle on <paramref name="network"/> sets HTTP_PROXY and HTTPS_PROXY to.</summary>
    public string ProxyUrl(BottleNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return $"http://{SubnetPool.AddressIn(network.Subnet, ProxyOffset)}:{options.Value.ProxyPort}";
    }

    /// <summary>
    /// The sidecar for <paramref name="slug"/>: the network's standby one renamed and given the
    /// bottle's policy when there is one, else a new one. Returns the sidecar's container id once
    /// Squid accepts connections under that policy.
    /// </summary>
    public async Task<string> StartAsync(string slug, BottleNetwork network, EgressPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        await RemoveAsync(slug, cancellationToken);
        if (network is { StandbyProxy: { } standby, StandbyProxyId: { } standbyId })
        {
            try
            {
                await docker.Containers.RenameContainerAsync(standby, new ContainerRenameParameters { NewName = ContainerName(slug) }, cancellationToken);
                // No separate check of a fresh sidecar's first real configuration: were it bad, Squid
                // would exit, and waiting for it to listen again reports that.
                await ApplyAsync(slug, network, policy, validate: false, cancellationToken);
                return standbyId;
            }
            catch (Exception ex) when (ex is DockerApiException or InvalidOperationException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                // The standby died meanwhile (the engine restarted, or it was removed): a new one instead.
                LogStandbyLost(logger, standby, ex.Message);
                await RemoveContainerAsync(standbyId, cancellationToken);
            }
        }

        return await StartContainerAsync(ContainerName(slug), network, policy, cancellationToken);
    }

    /// <summary>Removes the standby sidecar of a spare network, by the network's name.</summary>
    public Task RemoveStandbyOnAsync(string networkName, CancellationToken cancellationToken) =>
        RemoveContainerAsync(StandbyName(networkName), cancellationToken);

    private static string StandbyName(string networkName) => $"{NamePrefix}standby-{networkName}";

    private async Task<string> StartContainerAsync(string name, BottleNetwork network, EgressPolicy policy, CancellationToken cancellationToken)
    {
        var outside = await OutsideNetworkAsync(cancellationToken);
        string id;
        try
        {
            id = (await docker.Containers.CreateContainerAsync(Parameters(name, network, policy, outside), cancellationToken)).ID;
        }
        catch (DockerImageNotFoundException)
        {
            throw new InvalidOperationException(
                $"the egress proxy image {options.Value.Image} is missing on the Docker engine; build it with build/images/egress.sh (or set BotBottle:Egress:Image)");
        }

        if (options.Value.TlsInspection)
        {
            await docker.Containers.ExtractArchiveToContainerAsync(
                name, new ContainerPathStatParameters { Path = Path.GetDirectoryName(SquidConfig.CaPath)! }, InspectionFiles(), cancellationToken);
        }

        try
        {
            await docker.Networks.ConnectNetworkAsync(outside.Name, new NetworkConnectParameters { Container = name }, cancellationToken);
        }
        catch (DockerNetworkNotFoundException)
        {
            // Removed by hand since it was looked up; the next launch recreates it.
            _outside = null;
            throw;
        }

        await docker.Containers.StartContainerAsync(name, new ContainerStartParameters(), cancellationToken);
        await WaitUntilListeningAsync(name, alreadyListening: 0, cancellationToken);
        return id;
    }

    private CreateContainerParameters Parameters(string name, BottleNetwork network, EgressPolicy policy, OutsideNetwork outside) => new()
    {
        Name = name,
        Image = options.Value.Image,
        Env =
        [
            $"BOTBOTTLE_SQUID_CONF={SquidConfig.Render(policy, Placement(network, outside))}",
            $"BOTBOTTLE_CREDENTIAL_PATTERNS={CredentialPatterns.ToScannerFile()}",
        ],
        Labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ForLabel] = "sidecar",
            [OwnerProcess.Label] = OwnerProcess.ThisProcess,
        },
        HostConfig = new HostConfig
        {
            NetworkMode = network.Name,
            CapDrop = ["ALL"],
            SecurityOpt = ["no-new-privileges"],
            Memory = 256L * 1024 * 1024,
            PidsLimit = 128,
            // An allowlisted host alias (a model server on the host) resolves to the host as seen from outside.
            ExtraHosts = outside.Gateway is { Length: > 0 } hostGateway ? [$"{bottles.Value.HostAlias}:{hostGateway}"] : [],
        },
        NetworkingConfig = new NetworkingConfig
        {
            EndpointsConfig = new Dictionary<string, EndpointSettings>(StringComparer.Ordinal)
            {
                [network.Name] = new()
                {
                    IPAMConfig = new EndpointIPAMConfig { IPv4Address = SubnetPool.AddressIn(network.Subnet, ProxyOffset) },
                },
            },
        },
    };

    /// <summary>Writes a new policy into a running sidecar and has Squid reconfigure; the bottle keeps running.</summary>
    public Task ReloadAsync(string slug, BottleNetwork network, EgressPolicy policy, CancellationToken cancellationToken) =>
        ApplyAsync(slug, network, policy, validate: true, cancellationToken);

    private async Task ApplyAsync(string slug, BottleNetwork network, EgressPolicy policy, bool validate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var outside = await OutsideNetworkAsync(cancellationToken);
        using var archive = new BottleArchiveBuilder();
        archive.AddFile(Path.GetFileName(SquidConfig.ConfigPath) + ".next", SquidConfig.Render(policy, Placement(network, outside)));
        archive.AddFile(Path.GetFileName(SquidConfig.PatternsPath) + ".next", CredentialPatterns.ToScannerFile());
        var name = ContainerName(slug);
        var listening = ListeningCount(await LogTextAsync(name, cancellationToken));
        await docker.Containers.ExtractArchiveToContainerAsync(
            name, new ContainerPathStatParameters { Path = Path.GetDirectoryName(SquidConfig.ConfigPath)! }, archive.Finish(), cancellationToken);
        var exec = await docker.Exec.ExecCreateContainerAsync(name, new ContainerExecCreateParameters
        {
            // Checked before it replaces the running configuration: Squid dies on a bad one. Squid is
            // PID 1 here, which `squid -k reconfigure` refuses to signal, hence the plain HUP.
            Cmd = ["bash", "-c", validate ? ReconfigureScript : ReconfigureScript.Replace(ValidateStep, "", StringComparison.Ordinal)],
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
            throw new InvalidOperationException($"the egress proxy of {slug} refused its new configuration (exit {inspect.ExitCode}): {LastLines(output)}");
        }

        // Squid closes and reopens its port while it reconfigures; the new policy holds once it listens again.
        await WaitUntilListeningAsync(name, listening, cancellationToken);
        LogReloaded(logger, slug, policy.Allowed.Count);
    }

    public Task RemoveAsync(string slug, CancellationToken cancellationToken) => RemoveContainerAsync(ContainerName(slug), cancellationToken);

    private async Task RemoveContainerAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    /// <summary>The CA's certificate and key (readable by Squid's user only) and any upstream CAs, as a tar for the sidecar.</summary>
    private MemoryStream InspectionFiles()
    {
        const int squidUser = 13;
        var (certificate, key) = authority.Get();
        var buffer = new MemoryStream();
        using (var tar = new System.Formats.Tar.TarWriter(buffer, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            void Add(string path, string content, UnixFileMode mode)
            {
                var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, Path.GetFileName(path))
                {
                    Uid = squidUser,
                    Gid = squidUser,
                    Mode = mode,
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
                };
                tar.WriteEntry(entry);
            }

            Add(SquidConfig.CaPath, certificate + key, UnixFileMode.UserRead);
            if (options.Value.UpstreamCaFile is { Length: > 0 } upstream)
            {
                Add(SquidConfig.UpstreamCaPath, File.ReadAllText(upstream), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        }

        buffer.Position = 0;
        return buffer;
    }

    private SidecarPlacement Placement(BottleNetwork network, OutsideNetwork outside) => new(
        SubnetPool.AddressIn(network.Subnet, ProxyOffset),
        options.Value.ProxyPort,
        network.Subnet,
        bottles.Value.HostAlias,
        ["169.254.0.0/16", "127.0.0.0/8", "0.0.0.0/32", bottles.Value.NetworkPool, "::1", "fe80::/10"],
        HostAddresses(outside))
    {
        TlsInspection = options.Value.TlsInspection,
        UpstreamCa = options.Value.UpstreamCaFile.Length > 0,
    };

    /// <summary>
    /// The addresses the host answers on as far as this Worker can tell: the outside network's
    /// gateway and, when the Worker runs on the host itself, its interfaces' IPv4 addresses.
    /// </summary>
    private List<string> HostAddresses(OutsideNetwork outside)
    {
        // Bottle networks are refused wholesale (to_forbidden); listing their gateways again only lengthens the config.
        var list = InterfaceAddresses()
            .Where(a => !SubnetPool.Contains(bottles.Value.NetworkPool, a))
            .Select(a => a.ToString())
            .ToList();
        if (outside.Gateway is { Length: > 0 } gateway)
        {
            list.Insert(0, gateway);
        }

        return [.. list.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The host's IPv4 interface addresses. .NET reads them from netlink and throws when an interface
    /// vanishes mid-read, which happens here all the time (bridges come and go with bottles): retry.
    /// </summary>
    private static List<IPAddress> InterfaceAddresses()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return [.. System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                    .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
                    .Select(a => a.Address)
                    .Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))];
            }
            catch (Exception ex) when (attempt < 5 && ex is ArgumentException or System.Net.NetworkInformation.NetworkInformationException)
            {
            }
        }
    }

    /// <summary>
    /// Squid says so on its log once it listens; polling the log avoids needing a route to the
    /// bottle's network (the host has none: the bridge carries no host address).
    /// </summary>
    private async Task WaitUntilListeningAsync(string name, int alreadyListening, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ReadyTimeout);
        try
        {
            while (true)
            {
                var log = await LogTextAsync(name, timeout.Token);
                if (ListeningCount(log) > alreadyListening)
                {
                    return;
                }

                var state = (await docker.Containers.InspectContainerAsync(name, timeout.Token)).State;
                if (state is { Running: false })
                {
                    throw new InvalidOperationException($"the egress proxy {name} exited ({state.ExitCode}): {LastLines(log)}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(25), timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the egress proxy {name} did not start listening within {options.Value.ReadyTimeout.TotalSeconds:0} s");
        }
    }

    private async Task<string> LogTextAsync(string container, CancellationToken cancellationToken)
    {
        using var stream = await docker.Containers.GetContainerLogsAsync(
            container, tty: false, new ContainerLogsParameters { ShowStderr = true, ShowStdout = false }, cancellationToken);
        var (_, stderr) = await stream.ReadOutputToEndAsync(cancellationToken);
        return stderr;
    }

    /// <summary>How often Squid said it listens ("Accepting HTTP Socket connections", or "Accepting SSL bumped ..." when inspecting).</summary>
    private static int ListeningCount(string log) =>
        log.Split('\n').Count(line => line.Contains("| Accepting ", StringComparison.Ordinal) && line.Contains("HTTP Socket connections at", StringComparison.Ordinal));

    private static string LastLines(string log) =>
        string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));

    /// <summary>The outside network, created on first use and remembered.</summary>
    private async Task<OutsideNetwork> OutsideNetworkAsync(CancellationToken cancellationToken)
    {
        if (_outside is { } known)
        {
            return known;
        }

        var name = options.Value.OutsideNetwork;
        await _outsideGate.WaitAsync(cancellationToken);
        try
        {
            try
            {
                _outside = await InspectOutsideAsync(name, cancellationToken);
            }
            catch (DockerNetworkNotFoundException)
            {
                await CreateOutsideAsync(name, cancellationToken);
                _outside = await InspectOutsideAsync(name, cancellationToken);
            }

            return _outside;
        }
        finally
        {
            _outsideGate.Release();
        }
    }

    private async Task CreateOutsideAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
            {
                Name = name,
                Driver = "bridge",
                // Docker allows two networks of one name unless asked not to; two would make the name ambiguous.
                CheckDuplicate = true,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [DockerNames.BackendLabel] = DockerNames.Backend },
            }, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            // Another Worker on this engine created it first.
        }
    }

    private async Task<OutsideNetwork> InspectOutsideAsync(string name, CancellationToken cancellationToken)
    {
        var network = await docker.Networks.InspectNetworkAsync(name, cancellationToken);
        var gateway = network.IPAM?.Config?.Select(c => c.Gateway).FirstOrDefault(g => !string.IsNullOrEmpty(g)) ?? "";
        return new OutsideNetwork(network.Name, gateway);
    }

    private sealed record OutsideNetwork(string Name, string Gateway);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Standby egress proxy {Standby} could not be adopted ({Reason}); starting a new one")]
    private static partial void LogStandbyLost(ILogger logger, string standby, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Egress proxy of {Slug} reconfigured: {Rules} allowlist rules")]
    private static partial void LogReloaded(ILogger logger, string slug, int rules);
}
