using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;
using StackExchange.Redis;

namespace BotBottle.Worker.PullRequests;

/// <summary>
/// PR key -> <see cref="PrSession"/>, one Redis hash for all repositories. Redis persists it (the
/// AppHost turns snapshots on), so a restart keeps every PR's agent and session.
/// </summary>
public sealed class PrSessionRegistry(IConnectionMultiplexer redis)
{
    public async Task<PrSession?> GetAsync(string prKey)
    {
        var json = await redis.GetDatabase().HashGetAsync(PrRedisNames.Registry, prKey);
        return json.IsNullOrEmpty ? null : BotBottleJson.Deserialize<PrSession>(json!);
    }

    /// <summary>One HSET: readers see the previous entry or this one, never a mix.</summary>
    public Task SetAsync(PrSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return redis.GetDatabase().HashSetAsync(PrRedisNames.Registry, session.Key, BotBottleJson.Serialize(session));
    }

    public Task RemoveAsync(string prKey) => redis.GetDatabase().HashDeleteAsync(PrRedisNames.Registry, prKey);

    public async Task<IReadOnlyList<PrSession>> AllAsync()
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(PrRedisNames.Registry);
        return [.. entries.Select(e => BotBottleJson.Deserialize<PrSession>(e.Value!)).OrderBy(s => s.Key, StringComparer.Ordinal)];
    }
}
