using BotBottle.Core.Bottles;
using BotBottle.Core.Jobs;
using BotBottle.Core.Manifest;
using StackExchange.Redis;

namespace BotBottle.Worker.Events;

/// <summary>
/// The list of bottles that are up, kept in Redis for every reader (dashboard, API, CLI): added
/// when a container starts, removed when it goes. Also publishes the manifest's agent keys.
/// </summary>
public sealed partial class BottleDirectory(IConnectionMultiplexer redis, ILogger<BottleDirectory> logger)
{
    public Task UpsertAsync(ActiveAgent bottle) => Safely(db =>
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return db.HashSetAsync(QueueNames.Bottles, bottle.Slug, BotBottleJson.Serialize(bottle));
    });

    public Task RemoveAsync(string slug) => Safely(db => db.HashDeleteAsync(QueueNames.Bottles, slug));

    /// <summary>Every listed bottle, by slug (throws when Redis is away: a reconciliation must not act on an empty answer).</summary>
    public async Task<IReadOnlyDictionary<string, ActiveAgent>> ListedAsync()
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(QueueNames.Bottles);
        return entries.ToDictionary(e => (string)e.Name!, e => BotBottleJson.Deserialize<ActiveAgent>(e.Value!), StringComparer.Ordinal);
    }

    public Task PublishAgentsAsync(AgentManifest manifest) => Safely(db =>
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var keys = manifest.AgentKeys.Select(k => (RedisValue)k).ToArray();
        return keys.Length == 0 ? Task.CompletedTask : db.SetAddAsync(QueueNames.Agents, keys);
    });

    /// <summary>
    /// Which backends this Worker can run: each by name, "" when it can, else why not. A backend some
    /// Worker can run stays offered whatever another one says.
    /// </summary>
    public Task PublishBackendsAsync(IReadOnlyDictionary<string, string?> unavailable) => Safely(async db =>
    {
        ArgumentNullException.ThrowIfNull(unavailable);
        foreach (var (backend, reason) in unavailable)
        {
            if (reason is null)
            {
                await db.HashSetAsync(QueueNames.Backends, backend, "");
            }
            else
            {
                await db.HashSetAsync(QueueNames.Backends, backend, reason, When.NotExists);
            }
        }
    });

    private async Task Safely(Func<IDatabase, Task> write)
    {
        try
        {
            await write(redis.GetDatabase());
        }
        catch (RedisException ex)
        {
            // The list catches up with the next change; a bottle must not fail over it.
            LogWriteFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not update the bottle list in Redis")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
