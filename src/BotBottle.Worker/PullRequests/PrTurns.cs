using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BotBottle.Worker.PullRequests;

/// <summary>
/// Events of one PR run one at a time, in the order they were accepted. Each accepted event joins
/// its PR's queue (<see cref="PrRedisNames.Queue"/>); a job may take its PR's turn only when it is
/// the head of that queue and the PR's lock is free. A job that cannot is parked: acknowledged on
/// the job stream and kept beside the queue, so it holds none of the Worker's job slots while it
/// waits. When the turn's job completes, the next parked job goes back on the job stream in the
/// same atomic step; <see cref="PromoteWaitingAsync"/> does the same for a turn that lapsed (its
/// Worker died).
/// </summary>
public sealed partial class PrTurns(IConnectionMultiplexer redis, IOptions<PullRequestOptions> options, TimeProvider clock, ILogger<PrTurns> logger)
{
    // KEYS: job stream, PR queue, parked, lock, fence, set of queues.
    // ARGV: group, consumer, entry id, job id, job JSON, lock expiry (ms), token, PR key.
    // Returns {0} when the entry is not this consumer's, {1, fence} with the turn, {2, position} parked.
    private const string TakeScript = """
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #p == 0 or p[1][2] ~= ARGV[2] then return {0, 0} end
        local pos = redis.call('LPOS', KEYS[2], ARGV[4])
        if not pos then
          redis.call('RPUSH', KEYS[2], ARGV[4])
          redis.call('SADD', KEYS[6], ARGV[8])
          pos = redis.call('LLEN', KEYS[2]) - 1
        end
        if pos == 0 and redis.call('EXISTS', KEYS[4]) == 0 then
          local fence = redis.call('INCR', KEYS[5])
          redis.call('SET', KEYS[4], ARGV[7] .. ':' .. fence, 'PX', ARGV[6])
          return {1, fence}
        end
        redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
        return {2, pos}
        """;

    // KEYS: PR queue, parked, lock, job stream, set of queues. ARGV: payload field, PR key, result key prefix.
    // Drops heads whose job already has a result (a completion that could not leave the queue), then
    // puts a parked head back on the stream when nobody holds the turn. Returns 1 when it did.
    private const string PromoteScript = """
        for _ = 1, 16 do
          local head = redis.call('LINDEX', KEYS[1], 0)
          if not head then
            redis.call('SREM', KEYS[5], ARGV[2])
            return 0
          end
          if redis.call('EXISTS', ARGV[3] .. head) == 0 then
            if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
            local parked = redis.call('HGET', KEYS[2], head)
            if not parked then return 0 end
            redis.call('XADD', KEYS[4], '*', ARGV[1], parked)
            redis.call('HDEL', KEYS[2], head)
            return 1
          end
          redis.call('LPOP', KEYS[1])
          redis.call('HDEL', KEYS[2], head)
        end
        return 0
        """;

    /// <summary>
    /// Takes the PR's turn for <paramref name="job"/>, read from entry <paramref name="entryId"/>:
    /// the turn, or null when the job was parked (its turn comes later) or the entry is no longer
    /// this consumer's.
    /// </summary>
    public async Task<PrTurn?> TakeAsync(RedisValue entryId, string consumer, BottleJob job, string jobJson)
    {
        ArgumentNullException.ThrowIfNull(job);
        var work = job.PullRequest ?? throw new ArgumentException("not a pull-request job", nameof(job));
        var token = Guid.NewGuid().ToString("N");
        var expiry = options.Value.LockExpiry;
        var answer = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            TakeScript,
            [QueueNames.JobStream, PrRedisNames.Queue(work.Key), PrRedisNames.Parked(work.Key), PrRedisNames.Lock(work.Key), PrRedisNames.Fence(work.Key), PrRedisNames.Queues],
            [QueueNames.WorkerGroup, consumer, entryId, job.JobId, jobJson, (long)expiry.TotalMilliseconds, token, work.Key]))!;
        var (status, value) = ((long)answer[0], (long)answer[1]);
        switch (status)
        {
            case 1:
                return new PrTurn(redis.GetDatabase(), work.Key, $"{token}:{value}", value, expiry, clock, logger);
            case 2:
                LogParked(logger, job.JobId, work.Key, value);
                return null;
            default:
                return null;
        }
    }

    /// <summary>Puts back on the job stream the parked head of every PR queue whose turn nobody holds; returns how many.</summary>
    public async Task<int> PromoteWaitingAsync()
    {
        var db = redis.GetDatabase();
        var promoted = 0;
        foreach (var key in await db.SetMembersAsync(PrRedisNames.Queues))
        {
            var prKey = (string)key!;
            var moved = (long)await db.ScriptEvaluateAsync(
                PromoteScript,
                [PrRedisNames.Queue(prKey), PrRedisNames.Parked(prKey), PrRedisNames.Lock(prKey), QueueNames.JobStream, PrRedisNames.Queues],
                [QueueNames.PayloadField, prKey, QueueNames.ResultKeyPrefix]);
            if (moved == 1)
            {
                LogPromoted(logger, prKey);
                promoted++;
            }
        }

        return promoted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} for PR {PrKey} waits for its turn (position {Position}); its slot is free meanwhile")]
    private static partial void LogParked(ILogger logger, string jobId, string prKey, long position);

    [LoggerMessage(Level = LogLevel.Information, Message = "PR {PrKey}: the next event was put back on the job stream (the previous turn lapsed)")]
    private static partial void LogPromoted(ILogger logger, string prKey);
}
