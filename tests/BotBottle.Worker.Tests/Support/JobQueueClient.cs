using BotBottle.Core.Events;
using BotBottle.Testing;
using BotBottle.Core.Jobs;
using StackExchange.Redis;

namespace BotBottle.Worker.Tests.Support;

/// <summary>What an enqueuer (Web, CLI) does on the wire, for tests: add a job, read results and events.</summary>
public sealed class JobQueueClient(IConnectionMultiplexer redis)
{
    private IDatabase Db => redis.GetDatabase();

    public async Task EnqueueAsync(BottleJob job) =>
        await Db.StreamAddAsync(QueueNames.JobStream, QueueNames.PayloadField, BotBottleJson.Serialize(job));

    public async Task<JobResult?> TryResultAsync(string jobId)
    {
        var json = await Db.StringGetAsync(QueueNames.ResultKey(jobId));
        return json.IsNullOrEmpty ? null : BotBottleJson.Deserialize<JobResult>(json!);
    }

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
