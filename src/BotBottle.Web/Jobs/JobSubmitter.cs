using BotBottle.Core.Api;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Queue.Events;
using BotBottle.Queue.Jobs;
using StackExchange.Redis;

namespace BotBottle.Web.Jobs;

/// <summary>The Web's side of the job queue: add jobs for the Workers, say they are queued, read their results.</summary>
public sealed class JobSubmitter(JobQueueClient queue, EventLog events, TimeProvider clock)
{
    public async Task<BottleJob> EnqueueAsync(BottleJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var stamped = job with { EnqueuedAt = clock.GetUtcNow() };
        await queue.EnqueueAsync(stamped);
        await PublishQueuedAsync(stamped, $"{stamped.Kind.ToString().ToLowerInvariant()} queued");
        return stamped;
    }

    /// <summary>A new bottle (its label and colour already checked): left running, or with a task, run to completion.</summary>
    public Task<BottleJob> LaunchAsync(LaunchRequest launch, string requestedBy) =>
        EnqueueAsync(Launch(launch, requestedBy));

    /// <summary>
    /// Like <see cref="LaunchAsync"/>, but at most once per <paramref name="idempotencyKey"/>: a repeat
    /// answers with the job the first request queued.
    /// </summary>
    public async Task<BottleJob> LaunchOnceAsync(LaunchRequest launch, string requestedBy, string idempotencyKey)
    {
        var (job, repeat) = await queue.EnqueueOnceAsync(Launch(launch, requestedBy) with { EnqueuedAt = clock.GetUtcNow() }, idempotencyKey);
        if (!repeat)
        {
            await PublishQueuedAsync(job, $"{job.Kind.ToString().ToLowerInvariant()} queued");
        }

        return job;
    }

    private static BottleJob Launch(LaunchRequest launch, string requestedBy) => new()
    {
        JobId = BottleJob.NewJobId(),
        Kind = string.IsNullOrWhiteSpace(launch.Task) ? JobKind.Launch : JobKind.Run,
        AgentName = launch.Agent,
        Label = launch.Label ?? "",
        Color = launch.Color ?? "",
        Task = string.IsNullOrWhiteSpace(launch.Task) ? null : launch.Task,
        Backend = string.IsNullOrEmpty(launch.Backend) ? null : launch.Backend,
        RequestedBy = requestedBy,
    };

    public Task<BottleJob> StopAsync(string slug, bool purge, string requestedBy) =>
        EnqueueAsync(new BottleJob { JobId = BottleJob.NewJobId(), Kind = JobKind.Teardown, Slug = slug, Purge = purge, RequestedBy = requestedBy });

    /// <summary>The result once a Worker stored one, or null while the job is pending.</summary>
    public Task<JobResult?> ResultAsync(string jobId) => queue.ResultAsync(jobId);

    public async Task PublishQueuedAsync(BottleJob job, string message, IReadOnlyDictionary<string, string>? data = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            await events.AppendAsync(new BottleEvent(BottleEventKind.Queued, job.Slug, job.JobId, clock.GetUtcNow(), message, data));
        }
        catch (RedisException)
        {
            // The job is queued; a missing "queued" event only delays what the dashboard shows.
        }
    }
}
