using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;
using BotBottle.Web.Jobs;
using StackExchange.Redis;

namespace BotBottle.Web.Webhooks;

public enum IntakeResult
{
    Queued,
    DuplicateDelivery,
    DuplicateEvent,
}

/// <summary>
/// Records an accepted delivery and queues its work in one atomic step, so a delivery is either
/// queued exactly once or recognised as a repeat: by its delivery id, or (Gitea's manual
/// redelivery sends the same body under a new id) by what the event is.
/// </summary>
public sealed class WebhookIntake(IConnectionMultiplexer redis, JobSubmitter jobs, TimeProvider clock)
{
    private static readonly TimeSpan DeliveryRetention = TimeSpan.FromDays(7);
    private static readonly TimeSpan EventRetention = TimeSpan.FromDays(30);

    private const string AcceptScript = """
        if redis.call('exists', KEYS[1]) == 1 then return 'DuplicateDelivery' end
        if redis.call('exists', KEYS[2]) == 1 then
          redis.call('set', KEYS[1], 'duplicate', 'EX', ARGV[1])
          return 'DuplicateEvent'
        end
        redis.call('set', KEYS[1], ARGV[5], 'EX', ARGV[1])
        redis.call('set', KEYS[2], ARGV[5], 'EX', ARGV[2])
        redis.call('xadd', KEYS[3], '*', ARGV[3], ARGV[4])
        return 'Queued'
        """;

    public async Task<IntakeResult> AcceptAsync(PrWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var job = new BottleJob
        {
            JobId = BottleJob.NewJobId(),
            Kind = JobKind.PullRequest,
            PullRequest = work,
            RequestedBy = $"webhook:{work.Key}",
            EnqueuedAt = clock.GetUtcNow(),
        };
        var outcome = (string?)await redis.GetDatabase().ScriptEvaluateAsync(
            AcceptScript,
            [PrRedisNames.Delivery(work.DeliveryId), PrRedisNames.Event(work.EventKey), QueueNames.JobStream],
            [(long)DeliveryRetention.TotalSeconds, (long)EventRetention.TotalSeconds, QueueNames.PayloadField, BotBottleJson.Serialize(job), job.JobId]);
        var result = Enum.Parse<IntakeResult>(outcome ?? nameof(IntakeResult.DuplicateDelivery));
        if (result == IntakeResult.Queued)
        {
            await jobs.PublishQueuedAsync(job, $"{work.Kind} for {work.Repository}#{work.Number}",
                new Dictionary<string, string>(StringComparer.Ordinal) { ["deliveryId"] = work.DeliveryId, ["pr"] = work.Key });
        }

        return result;
    }
}
