using System.Globalization;
using BotBottle.Core.Backends;
using BotBottle.Core.Manifest;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// The container a bottle runs in, hardened: the agent user, every capability dropped,
/// no-new-privileges, the manifest's limits, its own network, and no Docker socket or host path.
/// </summary>
public static class BottleContainerSpec
{
    public static CreateContainerParameters Create(
        PreparedBottle bottle,
        string networkName,
        string? hostGateway,
        BottleOptions options)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        ArgumentNullException.ThrowIfNull(options);
        var agent = bottle.Agent;
        return new CreateContainerParameters
        {
            Name = DockerNames.Container(bottle.Slug),
            Image = agent.Image,
            User = AgentPaths.User,
            WorkingDir = AgentPaths.Workspace,
            // The bottle idles between commands; the harness runs through exec.
            Cmd = ["sleep", "infinity"],
            Env = Environment(bottle, options),
            Labels = Labels(bottle),
            HostConfig = new HostConfig
            {
                NetworkMode = networkName,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                Privileged = false,
                Memory = agent.Limits.MemoryBytes ?? 0,
                MemorySwap = agent.Limits.MemoryBytes ?? 0,
                NanoCPUs = agent.Limits.Cpus is { } cpus ? (long)(cpus * 1_000_000_000) : 0,
                PidsLimit = agent.Limits.Pids,
                ExtraHosts = hostGateway is null ? [] : [$"{options.HostAlias}:{hostGateway}"],
                Binds = [],
                Mounts = [],
            },
        };
    }

    private static List<string> Environment(PreparedBottle bottle, BottleOptions options)
    {
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

        return [.. environment.Select(pair => $"{pair.Key}={pair.Value}")];
    }

    private static Dictionary<string, string> Labels(PreparedBottle bottle) => new(StringComparer.Ordinal)
    {
        [DockerNames.SlugLabel] = bottle.Slug,
        [DockerNames.AgentLabel] = bottle.Agent.Key,
        [DockerNames.BackendLabel] = DockerNames.Backend,
    };

    internal static string Describe(AgentDefinition agent) =>
        string.Create(CultureInfo.InvariantCulture, $"{agent.Image} mem={agent.Limits.MemoryBytes} cpus={agent.Limits.Cpus} pids={agent.Limits.Pids}");
}
