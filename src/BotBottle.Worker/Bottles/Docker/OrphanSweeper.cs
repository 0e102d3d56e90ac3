using Docker.DotNet;
using Docker.DotNet.Models;
using BotBottle.Worker.Egress;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Removes what processes on this machine that died (a crashed Worker, an interrupted benchmark)
/// left on the engine, found by the owner label every container and network carries: bottles that
/// existed only for a run, proxies whose bottle is gone, standby proxies, and then the networks left
/// empty. Bottles launched to stay up outlive their Worker on purpose, and so do their proxies.
/// </summary>
internal sealed partial class OrphanSweeper(IDockerClient docker, BottleNetworks networks, Func<string, string, bool> recordNames, ILogger logger)
{
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [OwnerProcess.Label] = true } },
        }, cancellationToken);
        var bottleNames = containers
            .Where(c => c.Labels.ContainsKey(DockerNames.SlugLabel))
            .SelectMany(c => c.Names.Select(n => n.TrimStart('/')))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var container in containers.Where(c => OwnerProcess.IsDeadOnThisMachine(c.Labels[OwnerProcess.Label])))
        {
            var name = container.Names.FirstOrDefault()?.TrimStart('/') ?? container.ID;
            if (container.Labels.TryGetValue(DockerNames.SlugLabel, out var slug))
            {
                if (container.Labels.TryGetValue(DockerNames.LifetimeLabel, out var lifetime) && lifetime == DockerNames.RunLifetime)
                {
                    await RemoveAsync(container.ID, name, cancellationToken);
                    recordNames(slug, container.ID);
                }
            }
            else if (container.Labels.ContainsKey(EgressSidecars.ForLabel)
                && (EgressSidecars.SlugOf(name) is not { } served || !bottleNames.Contains(DockerNames.Container(served))))
            {
                await RemoveAsync(container.ID, name, cancellationToken);
            }
        }

        await networks.SweepOrphansAsync(cancellationToken);
    }

    private async Task RemoveAsync(string id, string name, CancellationToken cancellationToken)
    {
        if (await docker.RemoveAsync(id, cancellationToken))
        {
            LogSwept(logger, name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Container}, left behind by a process on this machine that is gone")]
    private static partial void LogSwept(ILogger logger, string container);
}
