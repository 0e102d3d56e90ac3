using BotBottle.Core.Events;
using BotBottle.Testing;
using BotBottle.Core.Jobs;
using BotBottle.Queue.Jobs;
using StackExchange.Redis;

namespace BotBottle.Worker.Tests.Support;

/// <summary>
/// The producer's side of the queue, for tests: adds jobs as the Web does (pull-request jobs
/// through the same intake, so they take their place in their PR's order), and watches results
/// and events.
/// </summary>
public sealed class QueueWatcher(IConnectionMultiplexer redis)
{
    private readonly JobQueueClient _queue = new(redis);

    private IDatabase Db => redis.GetDatabase();

    public async Task EnqueueAsync(BottleJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Kind == JobKind.PullRequest)
        {
            Assert.Equal(IntakeResult.Queued, await _queue.AcceptPullRequestAsync(job));
        }
        else
        {
            await _queue.EnqueueAsync(job);
        }
    }

    public Task<JobResult?> TryResultAsync(string jobId) => _queue.ResultAsync(jobId);

    public async Task<JobResult> WaitForResultAsync(string jobId, TimeSpan timeout, ServiceProcess worker)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await TryResultAsync(jobId) is { } result)
            {
                return result;
            }

            worker.ThrowIfDied();

            await Task.Delay(200);
        }

        throw new TimeoutException($"no result for job {jobId} within {timeout}\n{worker.Log}");
    }

    public async Task<IReadOnlyList<BottleEvent>> EventsAsync(string? jobId = null)
    {
        var entries = await Db.StreamRangeAsync(QueueNames.EventStream);
        return [.. entries
            .Select(e => BotBottleJson.Deserialize<BottleEvent>(e[QueueNames.PayloadField]!))
            .Where(e => jobId is null || e.JobId == jobId)];
    }

    public async Task WaitForEventAsync(Func<BottleEvent, bool> match, TimeSpan timeout, ServiceProcess worker)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if ((await EventsAsync()).Any(match))
            {
                return;
            }

            worker.ThrowIfDied();

            await Task.Delay(100);
        }

        throw new TimeoutException($"the awaited event did not come within {timeout}\n{worker.Log}");
    }

    public async Task<long> PendingCountAsync()
    {
        var info = await Db.StreamPendingAsync(QueueNames.JobStream, QueueNames.WorkerGroup);
        return info.PendingMessageCount;
    }
}
