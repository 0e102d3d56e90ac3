using BotBottle.Core.Bottles;
using BotBottle.Core.State;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Which bottles this backend knows to be up: those with a runtime record in the state root and
/// those with a container on the engine, each with its status (a record whose container is gone is
/// a bottle that vanished).
/// </summary>
internal sealed partial class BottleInventory(IDockerClient docker, BottleStateStore state, ILogger logger)
{
    public async Task<IReadOnlyList<ActiveAgent>> EnumerateAsync(CancellationToken cancellationToken)
    {
        var containers = await BottleContainersAsync(cancellationToken);
        var bySlug = containers
            .Where(c => c.Labels.ContainsKey(DockerNames.SlugLabel))
            .ToDictionary(c => c.Labels[DockerNames.SlugLabel], StringComparer.Ordinal);

        var agents = new List<ActiveAgent>();
        foreach (var slug in SlugsWithRuntimeRecords().Union(bySlug.Keys, StringComparer.Ordinal))
        {
            if (ToActiveAgent(slug, bySlug.GetValueOrDefault(slug)) is { } agent)
            {
                agents.Add(agent);
            }
        }

        return [.. agents.OrderBy(a => a.StartedAt)];
    }

    /// <summary>The slugs of every bottle container on the engine (names are engine-wide).</summary>
    public async Task<HashSet<string>> SlugsOnEngineAsync(CancellationToken cancellationToken)
    {
        var containers = await BottleContainersAsync(cancellationToken);
        return containers
            .Select(c => c.Labels.TryGetValue(DockerNames.SlugLabel, out var slug) ? slug : null)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
    }

    public Task<IList<ContainerListResponse>> BottleContainersAsync(CancellationToken cancellationToken) =>
        docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                // Every backend on this engine (docker, gvisor) labels its bottles with its name.
                ["label"] = new Dictionary<string, bool> { [DockerNames.BackendLabel] = true },
            },
        }, cancellationToken);

    private ActiveAgent? ToActiveAgent(string slug, ContainerListResponse? container)
    {
        BottleMetadata? metadata;
        try
        {
            metadata = state.TryReadMetadata(slug);
        }
        catch (CorruptMetadataException ex)
        {
            LogCorruptMetadata(logger, ex.FilePath);
            metadata = null;
        }

        var record = RuntimeRecord.TryRead(state.BottleDir(slug));
        var status = container switch
        {
            null => BottleStatus.Vanished,
            { State: "running" } => BottleStatus.Running,
            _ => BottleStatus.Exited,
        };

        if (metadata is null)
        {
            // A container of ours with no state is still a real, running thing; show what we know.
            return container is null
                ? null
                : new ActiveAgent(container.Labels.TryGetValue(DockerNames.BackendLabel, out var backend) ? backend : DockerNames.Backend, slug, container.Labels.TryGetValue(DockerNames.AgentLabel, out var agentKey) ? agentKey : "?",
                    container.Created, record?.Services ?? [], Status: status);
        }

        return ActiveAgent.FromMetadata(slug, metadata, record?.Services ?? []) with { Status = status };
    }

    private IEnumerable<string> SlugsWithRuntimeRecords() =>
        Directory.Exists(state.Root)
            ? Directory.EnumerateFiles(state.Root, RuntimeRecord.FileName, new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1 })
                .Select(path => Path.GetFileName(Path.GetDirectoryName(path)!))
                .Where(Slug.IsValid)
            : [];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable metadata at {Path}; the bottle is listed from its container")]
    private static partial void LogCorruptMetadata(ILogger logger, string path);
}
