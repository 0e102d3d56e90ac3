using System.Diagnostics.CodeAnalysis;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Worker.Events;
using BotBottle.Worker.Heartbeat;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BotBottle.Worker.Jobs;

/// <summary>
/// Takes jobs from the shared Redis Stream through the Workers' consumer group. A job is
/// acknowledged only after its result is stored; a job whose Worker died (left pending and
/// untouched past <see cref="JobOptions.ReclaimAfter"/>) is reclaimed and done again.
/// </summary>
public sealed partial class JobConsumer(
    IConnectionMultiplexer redis,
    JobExecutor executor,
    IBottleEvents events,
    WorkerIdentity identity,
    IOptions<JobOptions> options,
    TimeProvider clock,
    ILogger<JobConsumer> logger) : BackgroundService
{
    private IDatabase Db => redis.GetDatabase();

    private JobOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await EnsureGroupAsync();
        var slots = new SemaphoreSlim(Options.MaxConcurrentJobs);
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                StreamEntry? entry;
                try
                {
                    entry = await NextEntryAsync();
                }
                catch (RedisException ex)
                {
                    slots.Release();
                    LogRedisUnavailable(logger, ex);
                    await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
                    continue;
                }

                if (entry is not { } job)
                {
                    slots.Release();
                    await Task.Delay(Options.PollInterval, clock, stoppingToken);
                    continue;
                }

                running.RemoveAll(t => t.IsCompleted);
                running.Add(ProcessAndReleaseAsync(job, slots, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: stop taking jobs, then let the running ones snapshot and tear down.
        }
        finally
        {
            await Task.WhenAll(running);
            slots.Dispose();
        }
    }

    private async Task EnsureGroupAsync()
    {
        try
        {
            await Db.StreamCreateConsumerGroupAsync(QueueNames.JobStream, QueueNames.WorkerGroup, "0", createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another Worker created it first.
        }
    }

    /// <summary>Orphaned jobs first (they have waited longest), then new ones.</summary>
    private async Task<StreamEntry?> NextEntryAsync()
    {
        var reclaimed = await Db.StreamAutoClaimAsync(
            QueueNames.JobStream, QueueNames.WorkerGroup, identity.Id, (long)Options.ReclaimAfter.TotalMilliseconds, "0-0", count: 1);
        if (reclaimed.ClaimedEntries is [var orphan, ..])
        {
            LogReclaimed(logger, orphan.Id.ToString());
            return orphan;
        }

        var fresh = await Db.StreamReadGroupAsync(QueueNames.JobStream, QueueNames.WorkerGroup, identity.Id, StreamPosition.NewMessages, count: 1);
        return fresh is [var entry, ..] ? entry : null;
    }

    private async Task ProcessAndReleaseAsync(StreamEntry entry, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            await ProcessAsync(entry, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the job stays pending and another Worker (or this one, restarted) takes it.
        }
        catch (Exception ex)
        {
            LogUnexpected(logger, entry.Id.ToString(), ex);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task ProcessAsync(StreamEntry entry, CancellationToken stoppingToken)
    {
        if (!TryReadJob(entry, out var job, out var problem))
        {
            // A well-formed document keeps its job id, so whoever enqueued it finds the reason.
            var jobId = job?.JobId is { Length: > 0 } id ? id : $"entry-{entry.Id}";
            await CompleteAsync(entry, jobId, new JobResult { JobId = jobId, Outcome = JobOutcome.Failed, Error = problem, WorkerId = identity.Id, FinishedAt = clock.GetUtcNow() }, null);
            return;
        }

        if (await DeliveriesAsync(entry.Id) > Options.MaxDeliveries)
        {
            var attempt = (string?)await Db.StringGetAsync(QueueNames.AttemptKey(job.JobId));
            await CompleteAsync(entry, job.JobId, Failure(job, $"gave up after {Options.MaxDeliveries} attempts; each Worker that took it stopped before finishing", attempt), attempt);
            return;
        }

        using var keepAlive = new CancellationTokenSource();
        var touching = KeepClaimedAsync(entry.Id, keepAlive.Token);
        JobResult result;
        string? slug = null;
        try
        {
            var previous = (string?)await Db.StringGetAsync(QueueNames.AttemptKey(job.JobId));
            var outcome = await executor.ExecuteAsync(job, previous, allocated => slug = RecordAttempt(job.JobId, allocated), stoppingToken);
            slug = outcome.Slug;
            result = new JobResult
            {
                JobId = job.JobId,
                Outcome = outcome.Harness is { Succeeded: false } ? JobOutcome.Failed : JobOutcome.Succeeded,
                Slug = outcome.Slug is { Length: > 0 } produced ? produced : null,
                Harness = outcome.Harness,
                Error = outcome.Harness is { Succeeded: false } failed ? $"the agent failed (exit code {failed.ExitCode})" : null,
                WorkerId = identity.Id,
                FinishedAt = clock.GetUtcNow(),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogJobFailed(logger, job.JobId, job.Kind, ex);
            result = Failure(job, ex.Message, slug);
        }
        finally
        {
            await keepAlive.CancelAsync();
            await touching;
        }

        await CompleteAsync(entry, job.JobId, result, slug);
    }

    /// <summary>Stores the result, then acknowledges: a crash between the two repeats the ack, never loses the result.</summary>
    private async Task CompleteAsync(StreamEntry entry, string jobId, JobResult result, string? slug)
    {
        await Db.StringSetAsync(QueueNames.ResultKey(jobId), BotBottleJson.Serialize(result), Options.ResultRetention);
        await Db.StreamAcknowledgeAsync(QueueNames.JobStream, QueueNames.WorkerGroup, entry.Id);
        await Db.KeyDeleteAsync(QueueNames.AttemptKey(jobId));
        var kind = result.Outcome == JobOutcome.Succeeded ? BottleEventKind.Finished : BottleEventKind.Failed;
        await events.PublishAsync(new BottleEvent(kind, slug ?? result.Slug, jobId, clock.GetUtcNow(), result.Error ?? "done", ResultData(result)));
    }

    private string RecordAttempt(string jobId, string slug)
    {
        // Synchronous on purpose: the slug must be on record before the container it names exists.
        Db.StringSet(QueueNames.AttemptKey(jobId), slug, Options.ResultRetention);
        return slug;
    }

    /// <summary>Touches the pending entry so no other Worker takes it for an orphan while it runs.</summary>
    private async Task KeepClaimedAsync(RedisValue entryId, CancellationToken stop)
    {
        var period = Options.ReclaimAfter / 3;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, clock, stop);
                await Db.StreamClaimIdsOnlyAsync(QueueNames.JobStream, QueueNames.WorkerGroup, identity.Id, 0, [entryId]);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (RedisException ex)
            {
                // One failed touch is not fatal: keep trying, the entry is idle only past ReclaimAfter.
                LogRedisUnavailable(logger, ex);
            }
        }
    }

    private async Task<long> DeliveriesAsync(RedisValue entryId)
    {
        var pending = await Db.StreamPendingMessagesAsync(QueueNames.JobStream, QueueNames.WorkerGroup, 1, RedisValue.Null, entryId, entryId);
        return pending is [var info, ..] ? info.DeliveryCount : 1;
    }

    private static bool TryReadJob(StreamEntry entry, [NotNullWhen(true)] out BottleJob? job, out string problem)
    {
        job = null;
        var json = entry[QueueNames.PayloadField];
        if (json.IsNullOrEmpty)
        {
            problem = $"stream entry {entry.Id} has no '{QueueNames.PayloadField}' field";
            return false;
        }

        try
        {
            job = BotBottleJson.Deserialize<BottleJob>(json!);
        }
        catch (System.Text.Json.JsonException ex)
        {
            problem = $"stream entry {entry.Id} is not a job: {ex.Message}";
            return false;
        }

        var problems = job.Validate();
        problem = string.Join("; ", problems);
        return problems.Count == 0;
    }

    private JobResult Failure(BottleJob job, string error, string? slug) => new()
    {
        JobId = job.JobId,
        Outcome = JobOutcome.Failed,
        Slug = slug,
        Error = error,
        WorkerId = identity.Id,
        FinishedAt = clock.GetUtcNow(),
    };

    private static Dictionary<string, string> ResultData(JobResult result)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["outcome"] = result.Outcome == JobOutcome.Succeeded ? "succeeded" : "failed" };
        if (result.Harness?.SessionId is { } session)
        {
            data["sessionId"] = session;
        }

        return data;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reclaimed orphaned job entry {EntryId}")]
    private static partial void LogReclaimed(ILogger logger, string entryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) failed")]
    private static partial void LogJobFailed(ILogger logger, string jobId, JobKind kind, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error processing job entry {EntryId}")]
    private static partial void LogUnexpected(ILogger logger, string entryId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable; retrying")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}
