using System.Globalization;
using BotBottle.Core.Backends;
using BotBottle.Core.Manifest;
using BotBottle.Worker.Bottles.Gvisor;
using BotBottle.Worker.Egress;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// The container a bottle runs in, hardened: the agent user, every capability dropped,
/// no-new-privileges, the manifest's limits, its own network with the egress proxy as the only way
/// out, and no Docker socket or host path. A gVisor bottle runs under the gVisor runtime with no
/// network device at all, its only way out the sockets to its sidecar.
/// </summary>
public static class BottleContainerSpec
{
    /// <param name="environment">The bottle's environment (<see cref="MergedEnvironment"/>, its model credential already taken out); the proxy settings are added.</param>
    /// <param name="disk">Where the bottle's disk is mounted on the host (its home), or null when the Worker cannot mount disks.</param>
    /// <param name="gvisor">For a gVisor bottle, its runtime, socket directory and relays; null for a container on its network.</param>
    public static CreateContainerParameters Create(
        PreparedBottle bottle,
        Dictionary<string, string> environment,
        BottleNetwork network,
        EgressPath egress,
        BottleOptions options,
        string? disk,
        GvisorSandbox? gvisor = null)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(egress);
        var spec = OnNetwork(bottle, environment, network, egress, options, disk);
        return gvisor is null ? spec : gvisor.Apply(spec);
    }

    private static CreateContainerParameters OnNetwork(
        PreparedBottle bottle, Dictionary<string, string> environment, BottleNetwork network, EgressPath egress, BottleOptions options, string? disk)
    {
        var agent = bottle.Agent;
        return new CreateContainerParameters
        {
            Name = DockerNames.Container(bottle.Slug),
            Image = agent.Image,
            User = AgentPaths.User,
            WorkingDir = AgentPaths.Workspace,
            // The bottle idles between commands; the harness runs through exec.
            Cmd = ["sleep", "infinity"],
            Env = [.. WithProxy(new Dictionary<string, string>(environment, StringComparer.Ordinal), egress.ProxyUrl).Select(pair => $"{pair.Key}={pair.Value}")],
            Labels = Labels(bottle),
            HostConfig = new HostConfig
            {
                NetworkMode = network.Name,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                Privileged = false,
                Memory = agent.Limits.MemoryBytes ?? 0,
                MemorySwap = agent.Limits.MemoryBytes ?? 0,
                NanoCPUs = agent.Limits.Cpus is { } cpus ? (long)(cpus * 1_000_000_000) : 0,
                PidsLimit = agent.Limits.Pids,
                // An init as PID 1 reaps what the agent leaves behind: without it, orphans of a fork
                // storm stay zombies, hold the pids limit, and the bottle can never fork again.
                Init = true,
                // Nothing but the bottle's own disk (its home) and its /tmp is writable.
                ReadonlyRootfs = disk is not null,
                Binds = [],
                Mounts = disk is null
                    ? []
                    : [new Mount { Type = "bind", Source = disk, Target = AgentPaths.Home }],
                Tmpfs = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["/tmp"] = Tmpfs(options),
                    ["/var/tmp"] = Tmpfs(options),
                },
                LogConfig = Logs(options),
                // IPv6 link-local addresses would reach the sidecar's and the bridge's interfaces
                // around the IPv4 rules; the bottle needs none of it.
                Sysctls = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["net.ipv6.conf.all.disable_ipv6"] = "1",
                    ["net.ipv6.conf.default.disable_ipv6"] = "1",
                },
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>(StringComparer.Ordinal)
                {
                    [network.Name] = new()
                    {
                        IPAMConfig = new EndpointIPAMConfig { IPv4Address = SubnetPool.AddressIn(network.Subnet, EgressSidecars.BottleOffset) },
                    },
                },
            },
        };
    }

    /// <summary>json-file logs rotated at a bounded size, for every container BotBottle starts.</summary>
    public static LogConfig Logs(BottleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LogConfig
        {
            Type = "json-file",
            Config = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["max-size"] = options.LogMaxSize,
                ["max-file"] = options.LogMaxFiles.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    private static string Tmpfs(BottleOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $"rw,nosuid,nodev,size={MemorySize.ParseSetting(options.TmpSize, "BotBottle:TmpSize")},mode=1777");

    /// <summary>The bottle's environment before the proxy settings: the Worker's, the manifest's, then this launch's.</summary>
    public static Dictionary<string, string> MergedEnvironment(PreparedBottle bottle, BottleOptions options)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        ArgumentNullException.ThrowIfNull(options);
        var agent = bottle.Agent;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOME"] = AgentPaths.Home,
            ["BOTBOTTLE_AGENT"] = agent.Key,
        };
        foreach (var (name, value) in options.AgentEnvironment)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in agent.Environment)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in bottle.ExtraEnvironment)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>
    /// Both spellings, because tools disagree on which they read; nothing bypasses the proxy but
    /// loopback and the sidecar itself (its harness API port is reached directly).
    /// </summary>
    private static Dictionary<string, string> WithProxy(Dictionary<string, string> environment, string proxyUrl)
    {
        foreach (var name in (string[])["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"])
        {
            environment[name] = proxyUrl;
        }

        environment["NO_PROXY"] = environment["no_proxy"] = $"localhost,127.0.0.1,{new Uri(proxyUrl).Host}";
        return environment;
    }

    private static Dictionary<string, string> Labels(PreparedBottle bottle) => new(StringComparer.Ordinal)
    {
        [DockerNames.SlugLabel] = bottle.Slug,
        [DockerNames.AgentLabel] = bottle.Agent.Key,
        [DockerNames.BackendLabel] = bottle.Metadata.Backend,
        [DockerNames.LifetimeLabel] = bottle.EndsWithRun ? DockerNames.RunLifetime : DockerNames.LaunchLifetime,
        [OwnerProcess.Label] = OwnerProcess.ThisProcess,
    };

    internal static string Describe(AgentDefinition agent) =>
        string.Create(CultureInfo.InvariantCulture, $"{agent.Image} mem={agent.Limits.MemoryBytes} cpus={agent.Limits.Cpus} pids={agent.Limits.Pids}");
}
