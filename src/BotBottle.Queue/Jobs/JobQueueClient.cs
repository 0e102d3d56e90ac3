using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;
using StackExchange.Redis;

namespace BotBottle.Queue.Jobs;

/// <summary>What became of a pull-request event offered to the queue.</summary>
public enum IntakeResult
{
    Queued,
    DuplicateDelivery,
    DuplicateEvent,
}

/// <summary>
/// The producer's side of the job queue (the Web, webhooks, tests): adds jobs for the Workers and
/// reads their results. Pull-request jobs also take their place in their PR's queue, in the same
/// atomic step, so events of one PR run in the order they were accepted, one at a time.
/// </summary>
public sealed class JobQueueClient(IConnectionMultiplexer redis)
{
    /// <summary>How long a delivery id is remembered, to recognise Gitea's automatic redeliveries.</summary>
    public static readonly TimeSpan DeliveryRetention = TimeSpan.FromDays(7);

    /// <summary>How long an event is remembered, to recognise a manual redelivery under a new id.</summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(30);

    // KEYS: delivery, event, job stream, PR queue, set of PR queues. ARGV: delivery retention (s),
    // event retention (s), payload field, job JSON, job id, PR key.
    private const string AcceptScript = """
        if redis.call('exists', KEYS[1]) == 1 then return 'DuplicateDelivery' end
        if redis.call('exists', KEYS[2]) == 1 then
          redis.call('set', KEYS[1], 'duplicate', 'EX', ARGV[1])
          return 'DuplicateEvent'
        end
        redis.call('set', KEYS[1], ARGV[5], 'EX', ARGV[1])
        redis.call('set', KEYS[2], ARGV[5], 'EX', ARGV[2])
        redis.call('xadd', KEYS[3], '*', ARGV[3], ARGV[4])
        redis.call('rpush', KEYS[4], ARGV[5])
        redis.call('sadd', KEYS[5], ARGV[6])
        return 'Queued'
        """;

    /// <summary>How long an idempotency key keeps naming the job it queued.</summary>
    public static readonly TimeSpan IdempotencyRetention = TimeSpan.FromDays(1);

    // KEYS: idempotency key, job stream. ARGV: job JSON, payload field, retention (s). Returns the
    // JSON of the job queued under the key: this one, or the one an earlier request queued.
    private const string EnqueueOnceScript = """
        local earlier = redis.call('GET', KEYS[1])
        if earlier then return earlier end
        redis.call('XADD', KEYS[2], '*', ARGV[2], ARGV[1])
        redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
        return ARGV[1]
        """;

    /// <summary>Adds a job that is not a pull-request event.</summary>
    public async Task EnqueueAsync(BottleJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        RefusePullRequest(job);
        await redis.GetDatabase().StreamAddAsync(QueueNames.JobStream, QueueNames.PayloadField, BotBottleJson.Serialize(job));
    }

    /// <summary>
    /// Adds <paramref name="job"/> unless a request with the same <paramref name="idempotencyKey"/>
    /// already did, in one atomic step; returns the job that is queued under the key. A client that
    /// lost the answer to a launch retries with the same key and never starts a second bottle.
    /// </summary>
    public async Task<(BottleJob Job, bool Repeat)> EnqueueOnceAsync(BottleJob job, string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        RefusePullRequest(job);
        var json = BotBottleJson.Serialize(job);
        var queued = (string)(await redis.GetDatabase().ScriptEvaluateAsync(EnqueueOnceScript,
            [QueueNames.IdempotencyKey(idempotencyKey), QueueNames.JobStream], [json, QueueNames.PayloadField, (long)IdempotencyRetention.TotalSeconds]))!;
        return queued == json ? (job, false) : (BotBottleJson.Deserialize<BottleJob>(queued), true);
    }

    private static void RefusePullRequest(BottleJob job)
    {
        if (job.Kind == JobKind.PullRequest)
        {
            throw new ArgumentException("pull-request jobs are accepted with AcceptPullRequestAsync, which orders them per PR", nameof(job));
        }
    }

    /// <summary>
    /// Records a pull-request event's delivery and queues its job, in one atomic step: queued once,
    /// or recognised as a repeat by its delivery id or (a manual redelivery) by what the event is.
    /// </summary>
    public async Task<IntakeResult> AcceptPullRequestAsync(BottleJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var work = job.PullRequest ?? throw new ArgumentException("a pull-request job needs its pull-request work", nameof(job));
        var outcome = (string?)await redis.GetDatabase().ScriptEvaluateAsync(
            AcceptScript,
            [PrRedisNames.Delivery(work.DeliveryId), PrRedisNames.Event(work.EventKey), QueueNames.JobStream, PrRedisNames.Queue(work.Key), PrRedisNames.Queues],
            [(long)DeliveryRetention.TotalSeconds, (long)EventRetention.TotalSeconds, QueueNames.PayloadField, BotBottleJson.Serialize(job), job.JobId, work.Key]);
        return Enum.Parse<IntakeResult>(outcome ?? nameof(IntakeResult.DuplicateDelivery));
    }

    /// <summary>The result once a Worker stored one, or null while the job is pending.</summary>
    public async Task<JobResult?> ResultAsync(string jobId)
    {
        var json = await redis.GetDatabase().StringGetAsync(QueueNames.ResultKey(jobId));
        return json.IsNullOrEmpty ? null : BotBottleJson.Deserialize<JobResult>(json!);
    }
}
