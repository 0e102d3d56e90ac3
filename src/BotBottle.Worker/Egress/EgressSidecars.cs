using System.Net;
using BotBottle.Core.Egress;
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
    ILogger<EgressSidecars> logger) : IDisposable
{
    public const string ForLabel = "io.botbottle.egress-for";

    /// <summary>The sidecar's and the bottle's fixed addresses in the bottle's subnet (1 is the gateway).</summary>
    public const int ProxyOffset = 2;

    public const int BottleOffset = 3;

    private readonly SemaphoreSlim _outsideGate = new(1, 1);
    private OutsideNetwork? _outside;

    private const string ReconfigureScript = $$"""
        set -e
        out=$(/usr/sbin/squid -k parse -f {{SquidConfig.ConfigPath}}.next 2>&1) || { echo "$out"; exit 1; }
        if echo "$out" | grep -qE 'FATAL|ERROR'; then echo "$out"; exit 1; fi
        mv {{SquidConfig.PatternsPath}}.next {{SquidConfig.PatternsPath}}
        mv {{SquidConfig.ConfigPath}}.next {{SquidConfig.ConfigPath}}
        kill -HUP 1
        """;

    public void Dispose() => _outsideGate.Dispose();

    public static string ContainerName(string slug) => $"botbottle-egress-{slug}";

    /// <summary>What a bottle on <paramref name="network"/> sets HTTP_PROXY and HTTPS_PROXY to.</summary>
    public string ProxyUrl(BottleNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return $"http://{SubnetPool.AddressIn(network.Subnet, ProxyOffset)}:{options.Value.ProxyPort}";
    }

    /// <summary>Creates and starts the sidecar for <paramref name="slug"/>; returns once Squid accepts connections.</summary>
    public async Task StartAsync(string slug, BottleNetwork network, EgressPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var outside = await OutsideNetworkAsync(cancellationToken);
        var name = ContainerName(slug);
        await RemoveAsync(slug, cancellationToken);
        try
        {
            await docker.Containers.CreateContainerAsync(Parameters(slug, network, policy, outside), cancellationToken);
        }
        catch (DockerImageNotFoundException)
        {
            throw new InvalidOperationException(
                $"the egress proxy image {options.Value.Image} is missing on the Docker engine; build it with build/images/egress.sh (or set BotBottle:Egress:Image)");
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
        await WaitUntilListeningAsync(slug, alreadyListening: 0, cancellationToken);
    }

    private CreateContainerParameters Parameters(string slug, BottleNetwork network, EgressPolicy policy, OutsideNetwork outside) => new()
    {
        Name = ContainerName(slug),
        Image = options.Value.Image,
        Env =
        [
            $"BOTBOTTLE_SQUID_CONF={SquidConfig.Render(policy, Placement(network, outside))}",
            $"BOTBOTTLE_CREDENTIAL_PATTERNS={CredentialPatterns.ToScannerFile()}",
        ],
        Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [ForLabel] = slug },
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
    public async Task ReloadAsync(string slug, BottleNetwork network, EgressPolicy policy, CancellationToken cancellationToken)
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
            Cmd = ["bash", "-c", ReconfigureScript],
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
        await WaitUntilListeningAsync(slug, listening, cancellationToken);
        LogReloaded(logger, slug, policy.Allowed.Count);
    }

    public async Task RemoveAsync(string slug, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(ContainerName(slug), new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    private SidecarPlacement Placement(BottleNetwork network, OutsideNetwork outside) => new(
        SubnetPool.AddressIn(network.Subnet, ProxyOffset),
        options.Value.ProxyPort,
        network.Subnet,
        bottles.Value.HostAlias,
        ["169.254.0.0/16", "127.0.0.0/8", "0.0.0.0/32", bottles.Value.NetworkPool, "::1", "fe80::/10"],
        HostAddresses(outside));

    /// <summary>
    /// The addresses the host answers on as far as this Worker can tell: the outside network's
    /// gateway and, when the Worker runs on the host itself, its interfaces' IPv4 addresses.
    /// </summary>
    private static List<string> HostAddresses(OutsideNetwork outside)
    {
        var addresses = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .Select(a => a.ToString())
            .ToList();
        if (outside.Gateway is { Length: > 0 } gateway)
        {
            addresses.Insert(0, gateway);
        }

        return [.. addresses.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Squid says so on its log once it listens; polling the log avoids needing a route to the
    /// bottle's network (the host has none: the bridge carries no host address).
    /// </summary>
    private async Task WaitUntilListeningAsync(string slug, int alreadyListening, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ReadyTimeout);
        var name = ContainerName(slug);
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
                    throw new InvalidOperationException($"the egress proxy of {slug} exited ({state.ExitCode}): {LastLines(log)}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(25), timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the egress proxy of {slug} did not start listening within {options.Value.ReadyTimeout.TotalSeconds:0} s");
        }
    }

    private async Task<string> LogTextAsync(string container, CancellationToken cancellationToken)
    {
        using var stream = await docker.Containers.GetContainerLogsAsync(
            container, tty: false, new ContainerLogsParameters { ShowStderr = true, ShowStdout = false }, cancellationToken);
        var (_, stderr) = await stream.ReadOutputToEndAsync(cancellationToken);
        return stderr;
    }

    private static int ListeningCount(string log)
    {
        const string listening = "Accepting HTTP Socket connections";
        var count = 0;
        for (var at = log.IndexOf(listening, StringComparison.Ordinal); at >= 0; at = log.IndexOf(listening, at + listening.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Egress proxy of {Slug} reconfigured: {Rules} allowlist rules")]
    private static partial void LogReloaded(ILogger logger, string slug, int rules);
}
