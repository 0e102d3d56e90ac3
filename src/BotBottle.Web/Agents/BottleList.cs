using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Core.Jobs;
using StackExchange.Redis;

namespace BotBottle.Web.Agents;

/// <summary>What the Workers keep in Redis about running bottles and known agents, read one way for the API, the pages and the live feed.</summary>
public sealed class BottleList(IConnectionMultiplexer redis)
{
    /// <summary>The bottles that are up, oldest first.</summary>
    public async Task<IReadOnlyList<ActiveAgent>> RowsAsync()
    {
        var db = redis.GetDatabase();
        var entries = db.HashGetAllAsync(QueueNames.Bottles);
        var denied = (await db.HashGetAllAsync(QueueNames.EgressDenied)).ToDictionary(e => (string)e.Name!, e => (long)e.Value, StringComparer.Ordinal);
        return [.. (await entries)
            .Select(e => BotBottleJson.Deserialize<ActiveAgent>(e.Value!))
            .Select(a => a with { EgressDenied = denied.GetValueOrDefault(a.Slug) })
            .OrderBy(a => a.StartedAt)];
    }

    public Task<bool> IsUpAsync(string slug) => redis.GetDatabase().HashExistsAsync(QueueNames.Bottles, slug);

    /// <summary>Every backend, in display order, with why no Worker can run it (null when one can, or none has said).</summary>
    public async Task<IReadOnlyList<(string Name, string? Unavailable)>> BackendsAsync()
    {
        var said = (await redis.GetDatabase().HashGetAllAsync(QueueNames.Backends)).ToDictionary(e => (string)e.Name!, e => (string?)e.Value, StringComparer.Ordinal);
        return [.. BackendNames.All.Select(name => (name, said.GetValueOrDefault(name) is { Length: > 0 } reason ? reason : null))];
    }

    /// <summary>The agent keys the Workers' manifests declare, sorted.</summary>
    public async Task<IReadOnlyList<string>> AgentKeysAsync() =>
        [.. (await redis.GetDatabase().SetMembersAsync(QueueNames.Agents)).Select(v => (string)v!).Order(StringComparer.Ordinal)];
}
