using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;
using StackExchange.Redis;

namespace BotBottle.Worker.PullRequests;

/// <summary>How a turn changes the PR's registry entry.</summary>
public enum RegistryChange
{
    /// <summary>Leave the entry as it is (the run produced no session to resume).</summary>
    Keep,

    /// <summary>Write the new entry.</summary>
    Set,

    /// <summary>Forget the PR (it closed).</summary>
    Remove,
}

/// <summary>
/// PR key -> <see cref="PrSession"/>, one Redis hash for all repositories. Redis persists it (the
/// AppHost turns persistence on), so a restart keeps every PR's agent and session. Writes are
/// fenced: they land only while the writer's <see cref="PrTurn"/> still holds the PR's lock, and
/// never over an entry written by a later turn.
/// </summary>
public sealed class PrSessionRegistry(IConnectionMultiplexer redis)
{
    private static readonly TimeSpan DoneRetention = TimeSpan.FromDays(30);

    // KEYS: lock, registry, done marker, fences hash. ARGV: lock value, PR key, change, session JSON,
    // done JSON, done retention (s), fence. 1 when written, 0 when the turn no longer holds the lock.
    private const string RecordScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        local last = tonumber(redis.call('HGET', KEYS[4], ARGV[2]) or '0')
        if tonumber(ARGV[7]) < last then return 0 end
        if ARGV[3] == 'Set' then
          redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
        elseif ARGV[3] == 'Remove' then
          redis.call('HDEL', KEYS[2], ARGV[2])
        end
        redis.call('HSET', KEYS[4], ARGV[2], ARGV[7])
        redis.call('SET', KEYS[3], ARGV[5], 'EX', ARGV[6])
        return 1
        """;

    public async Task<PrSession?> GetAsync(string prKey)
    {
        var json = await redis.GetDatabase().HashGetAsync(PrRedisNames.Registry, prKey);
        return json.IsNullOrEmpty ? null : BotBottleJson.Deserialize<PrSession>(json!);
    }

    /// <summary>The record of a delivery whose work is done, or null.</summary>
    public async Task<PrDone?> DoneAsync(string deliveryId)
    {
        var json = await redis.GetDatabase().StringGetAsync(PrRedisNames.Done(deliveryId));
        return json.IsNullOrEmpty ? null : BotBottleJson.Deserialize<PrDone>(json!);
    }

    /// <summary>
    /// Applies <paramref name="change"/> and records the delivery as done, in one atomic step, if
    /// <paramref name="turn"/> still holds the PR; otherwise changes nothing and throws
    /// <see cref="PrTurnLostException"/>.
    /// </summary>
    public async Task RecordAsync(PrTurn turn, RegistryChange change, PrSession? session, string deliveryId, PrDone done)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(done);
        if (change == RegistryChange.Set && session is null)
        {
            throw new ArgumentNullException(nameof(session), "a Set needs the session to write");
        }

        var written = (long)await redis.GetDatabase().ScriptEvaluateAsync(
            RecordScript,
            [PrRedisNames.Lock(turn.PrKey), PrRedisNames.Registry, PrRedisNames.Done(deliveryId), PrRedisNames.Fences],
            [turn.LockValue, turn.PrKey, change.ToString(), session is null ? "" : BotBottleJson.Serialize(session with { Fence = turn.Fence }),
             BotBottleJson.Serialize(done with { Fence = turn.Fence }), (long)DoneRetention.TotalSeconds, turn.Fence]);
        if (written == 0)
        {
            throw new PrTurnLostException(turn.PrKey, turn.Fence);
        }
    }

    public async Task<IReadOnlyList<PrSession>> AllAsync()
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(PrRedisNames.Registry);
        return [.. entries.Select(e => BotBottleJson.Deserialize<PrSession>(e.Value!)).OrderBy(s => s.Key, StringComparer.Ordinal)];
    }
}
