namespace BotBottle.AppHost.Queue;

/// <summary>How the Redis that holds BotBottle's queue keeps it.</summary>
public static class RedisDurabilityExtensions
{
    /// <summary>
    /// Every write is appended to Redis's log, flushed each second (a restart loses nothing, a crash
    /// at most the last second), and past <paramref name="maxMemory"/> only keys with an expiry are
    /// evicted: the job stream, the PR registry and each PR's queue have none, so a full Redis refuses
    /// new writes with an error instead of silently dropping work.
    /// </summary>
    public static IResourceBuilder<RedisResource> WithDurableQueue(this IResourceBuilder<RedisResource> redis, string maxMemory)
    {
        ArgumentNullException.ThrowIfNull(redis);
        return redis.WithArgs("--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory", maxMemory, "--maxmemory-policy", "volatile-lru");
    }
}
