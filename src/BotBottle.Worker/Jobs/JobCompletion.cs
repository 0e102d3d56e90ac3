using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;
using BotBottle.Core.Runs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BotBottle.Worker.Jobs;

public enum CompletionOutcome
{
    /// <summary>The result was stored and the entry acknowledged.</summary>
    Stored,

    /// <summary>The job already had a result (a duplicate delivery); the entry was acknowledged, the earlier result kept.</summary>
    AlreadyDone,

    /// <summary>The entry is not this Worker's any more: nothing was stored.</summary>
    NotOwner,
}

/// <summary>
/// Stores a job's result and acknowledges its entry in one atomic step that only the entry's owner
/// can take: a Worker that lost the entry (partitioned, then reclaimed by another) stores nothing,
/// and the first result stored for a job is the one that stays. A pull-request job also leaves its
/// PR's queue, gives the turn back and lets the PR's next parked event in, in that same step.
/// </summary>
public sealed partial class JobCompletion(IConnectionMultiplexer redis, IOptions<JobOptions> options, TimeProvider clock, ILogger<JobCompletion> logger)
{
    // With the first result stored, the job's run record joins the history (KEYS k..k+3: records,
    // by time, the bottle's runs, the PR's runs; ARGV a..a+4: job id, record JSON or '', finish time
    // in ms, whether the bottle's and the PR's sets apply, how many runs are kept). Past the limit the
    // oldest runs go, record and all; the per-bottle and per-PR sets skip ids whose record is gone.
    private static string RecordRun(int k, int a) => $$"""
        if stored and ARGV[{{a + 1}}] ~= '' then
          redis.call('HSET', KEYS[{{k}}], ARGV[{{a}}], ARGV[{{a + 1}}])
          redis.call('ZADD', KEYS[{{k + 1}}], ARGV[{{a + 2}}], ARGV[{{a}}])
          if string.find(ARGV[{{a + 3}}], 'b') then redis.call('ZADD', KEYS[{{k + 2}}], ARGV[{{a + 2}}], ARGV[{{a}}]) end
          if string.find(ARGV[{{a + 3}}], 'p') then redis.call('ZADD', KEYS[{{k + 3}}], ARGV[{{a + 2}}], ARGV[{{a}}]) end
          local over = redis.call('ZCARD', KEYS[{{k + 1}}]) - tonumber(ARGV[{{a + 4}}])
          if over > 0 then
            for _, old in ipairs(redis.call('ZRANGE', KEYS[{{k + 1}}], 0, over - 1)) do
              redis.call('HDEL', KEYS[{{k}}], old)
              redis.call('ZREM', KEYS[{{k + 1}}], old)
            end
          end
        end
        """;

    // KEYS: job stream, result, attempt, then the run history's. ARGV: group, consumer, entry id, result JSON, retention (s), then the record's.
    private static readonly string CompleteScript = """
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #p == 0 or p[1][2] ~= ARGV[2] then return 0 end
        local stored = redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5], 'NX')
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
        redis.call('DEL', KEYS[3])
        """ + "\n" + RecordRun(4, 6) + "\n" + """
        if stored then return 1 end
        return 2
        """;

    // KEYS: job stream, result, attempt, PR queue, parked, lock, set of queues, then the run history's.
    // ARGV: group, consumer, entry id, result JSON, retention (s), job id, lock value ('' without a turn), payload field, PR key, then the record's.
    private static readonly string CompletePullRequestScript = """
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #p == 0 or p[1][2] ~= ARGV[2] then return 0 end
        local stored = redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5], 'NX')
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
        redis.call('DEL', KEYS[3])
        redis.call('LREM', KEYS[4], 1, ARGV[6])
        redis.call('HDEL', KEYS[5], ARGV[6])
        if ARGV[7] ~= '' and redis.call('GET', KEYS[6]) == ARGV[7] then redis.call('DEL', KEYS[6]) end
        local nxt = redis.call('LINDEX', KEYS[4], 0)
        if nxt then
          local parked = redis.call('HGET', KEYS[5], nxt)
          if parked and redis.call('EXISTS', KEYS[6]) == 0 then
            redis.call('XADD', KEYS[1], '*', ARGV[8], parked)
            redis.call('HDEL', KEYS[5], nxt)
          end
        else
          redis.call('SREM', KEYS[7], ARGV[9])
        end
        """ + "\n" + RecordRun(8, 10) + "\n" + """
        if stored then return 1 end
        return 2
        """;

    /// <summary>
    /// Stores <paramref name="result"/> for the job read from <paramref name="entryId"/>, if this
    /// consumer still owns the entry. Redis being away is waited out (up to
    /// <see cref="JobOptions.CompletionPatience"/>): a finished job's result is not dropped for a blip.
    /// </summary>
    /// <param name="pullRequest">The PR the job belongs to, when it is a pull-request job, and the lock value of its turn ('' when it holds none).</param>
    /// <param name="record">What the job adds to the run history, if anything; stored only with the first result.</param>
    public async Task<CompletionOutcome> CompleteAsync(RedisValue entryId, string consumer, JobResult result, (string PrKey, string LockValue)? pullRequest, RunRecord? record = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var deadline = clock.GetUtcNow() + options.Value.CompletionPatience;
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                var answer = (long)await EvaluateAsync(entryId, consumer, result, pullRequest, record);
                return answer switch
                {
                    1 => CompletionOutcome.Stored,
                    2 => CompletionOutcome.AlreadyDone,
                    _ => CompletionOutcome.NotOwner,
                };
            }
            catch (RedisException ex) when (clock.GetUtcNow() < deadline)
            {
                LogRetrying(logger, result.JobId, ex);
                await Task.Delay(delay, clock);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private Task<RedisResult> EvaluateAsync(RedisValue entryId, string consumer, JobResult result, (string PrKey, string LockValue)? pullRequest, RunRecord? record)
    {
        var db = redis.GetDatabase();
        var json = BotBottleJson.Serialize(result);
        var retention = (long)options.Value.ResultRetention.TotalSeconds;
        RedisKey[] historyKeys = [RunNames.Records, RunNames.ByTime, RunNames.OfBottle(record?.Slug ?? ""), RunNames.OfPullRequest(record?.PullRequest ?? "")];
        RedisValue[] historyArgs =
        [
            result.JobId,
            record is null ? "" : BotBottleJson.Serialize(record),
            (record?.FinishedAt ?? result.FinishedAt).ToUnixTimeMilliseconds(),
            (record?.Slug is { Length: > 0 } ? "b" : "") + (record?.PullRequest is { Length: > 0 } ? "p" : ""),
            RunNames.Kept,
        ];
        if (pullRequest is not { } pr)
        {
            return db.ScriptEvaluateAsync(CompleteScript,
                [QueueNames.JobStream, QueueNames.ResultKey(result.JobId), QueueNames.AttemptKey(result.JobId), .. historyKeys],
                [QueueNames.WorkerGroup, consumer, entryId, json, retention, .. historyArgs]);
        }

        return db.ScriptEvaluateAsync(CompletePullRequestScript,
            [QueueNames.JobStream, QueueNames.ResultKey(result.JobId), QueueNames.AttemptKey(result.JobId),
             PrRedisNames.Queue(pr.PrKey), PrRedisNames.Parked(pr.PrKey), PrRedisNames.Lock(pr.PrKey), PrRedisNames.Queues, .. historyKeys],
            [QueueNames.WorkerGroup, consumer, entryId, json, retention, result.JobId, pr.LockValue, QueueNames.PayloadField, pr.PrKey, .. historyArgs]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the result of job {JobId}; retrying while Redis is away")]
    private static partial void LogRetrying(ILogger logger, string jobId, Exception exception);
}
