using System.Diagnostics.CodeAnalysis;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Core.Runs;
using BotBottle.Worker.Events;
using BotBottle.Worker.Heartbeat;
using BotBottle.Worker.PullRequests;
using BotBottle.Worker.Runs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BotBottle.Worker.Jobs;

/// <summary>
/// Takes jobs from the shared Redis Stream through the Workers' consumer group. Delivery is at
/// least once; the effect is at most once per job id: a job runs only while its entry is this
/// Worker's (<see cref="JobLease"/>), a pull-request job only in its PR's turn (<see cref="PrTurns"/>),
/// and its result is stored and the entry acknowledged in one step only the owner can take
/// (<see cref="JobCompletion"/>). A job left pending by a Worker that died is reclaimed after
/// <see cref="JobOptions.ReclaimAfter"/> and run again; one whose result exists is acknowledged without running.
/// </summary>
public sealed partial class JobConsumer(
    IConnectionMultiplexer redis,
    JobExecutor executor,
    JobCompletion completion,
    RunRecords history,
    RunMetrics metrics,
    PrTurns turns,
    IBottleEvents events,
    WorkerIdentity identity,
    IOptions<JobOptions> options,
    TimeProvider clock,
    ILogger<JobConsumer> logger) : BackgroundService
{
    // Where the scan for orphaned entries goes on from: XAUTOCLAIM looks at a bounded number of
    // entries per call, so an orphan behind many live ones is found only by following the cursor.
    private RedisValue _reclaimCursor = "0-0";

    private IDatabase Db => redis.GetDatabase();

    private JobOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await EnsureGroupAsync(stoppingToken);
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

    private async Task EnsureGroupAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await Db.StreamCreateConsumerGroupAsync(QueueNames.JobStream, QueueNames.WorkerGroup, "0", createStream: true);
                return;
            }
            catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
            {
                // Another Worker created it first.
                return;
            }
            catch (RedisException ex)
            {
                LogRedisUnavailable(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            }
        }
    }

    /// <summary>Orphaned jobs first (they have waited longest), then new ones.</summary>
    private async Task<StreamEntry?> NextEntryAsync()
    {
        // Follow the cursor through the whole pending list before starting over, a bounded number of
        // calls at a time: each call examines at most ten times its count.
        for (var call = 0; call < 64; call++)
        {
            var reclaimed = await Db.StreamAutoClaimAsync(
                QueueNames.JobStream, QueueNames.WorkerGroup, identity.Id, (long)Options.ReclaimAfter.TotalMilliseconds, _reclaimCursor, count: 1);
            _reclaimCursor = reclaimed.NextStartId;
            if (reclaimed.ClaimedEntries is [var orphan, ..])
            {
                LogReclaimed(logger, orphan.Id.ToString());
                return orphan;
            }

            if (_reclaimCursor == "0-0")
            {
                break;
            }
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
            await CompleteAsync(entry, job, new JobResult { JobId = jobId, Outcome = JobOutcome.Failed, Error = problem, WorkerId = identity.Id, FinishedAt = clock.GetUtcNow() }, null, null);
            return;
        }

        if (await Db.StringGetAsync(QueueNames.ResultKey(job.JobId)) is { IsNullOrEmpty: false } stored)
        {
            // Delivered again after it finished (its acknowledgement was lost): acknowledged, not run.
            LogAlreadyDone(logger, job.JobId);
            await CompleteAsync(entry, job, BotBottleJson.Deserialize<JobResult>(stored!), null, null);
            return;
        }

        if (await DeliveriesAsync(entry.Id) > Options.MaxDeliveries)
        {
            var attempt = (string?)await Db.StringGetAsync(QueueNames.AttemptKey(job.JobId));
            var gaveUp = Failure(job, $"gave up after {Options.MaxDeliveries} attempts; each Worker that took it stopped before finishing", attempt);
            await CompleteAsync(entry, job, gaveUp, null, attempt, history.For(job, gaveUp, clock.GetUtcNow(), history.Before(job)));
            return;
        }

        await using var lease = JobLease.Start(Db, entry.Id, identity.Id, Options.ReclaimAfter / 3, clock, logger);
        PrTurn? turn = null;
        if (job.Kind == JobKind.PullRequest)
        {
            turn = await turns.TakeAsync(entry.Id, identity.Id, job, (string)entry[QueueNames.PayloadField]!);
            if (turn is null)
            {
                // Parked until its PR's earlier events are done, or no longer this Worker's: either
                // way the slot is free for other work.
                return;
            }
        }

        await using (turn)
        {
            await RunAsync(entry, job, lease, turn, stoppingToken);
        }
    }

    private async Task RunAsync(StreamEntry entry, BottleJob job, JobLease lease, PrTurn? turn, CancellationToken stoppingToken)
    {
        using var run = turn is null
            ? CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost)
            : CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost, turn.Lost);
        JobResult result;
        string? slug = null;
        var startedAt = clock.GetUtcNow();
        var before = history.Before(job);
        try
        {
            var previous = (string?)await Db.StringGetAsync(QueueNames.AttemptKey(job.JobId));
            var outcome = await executor.ExecuteAsync(job, previous, allocated => slug = RecordAttempt(job.JobId, allocated), turn, run.Token);
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
        catch (Exception ex) when (Superseded(lease, turn) && !stoppingToken.IsCancellationRequested)
        {
            LogSuperseded(logger, job.JobId, ex.GetType().Name);
            await PublishSupersededAsync(job, slug);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogJobFailed(logger, job.JobId, job.Kind, ex);
            result = Failure(job, ex.Message, slug);
        }

        if (Superseded(lease, turn))
        {
            // Finished, but another Worker owns the job (or its PR's turn) now: its result is not ours to store.
            LogSuperseded(logger, job.JobId, "finished after losing the job");
            await PublishSupersededAsync(job, slug);
            return;
        }

        await CompleteAsync(entry, job, result, turn, slug, history.For(job, result, startedAt, before));
    }

    private static bool Superseded(JobLease lease, PrTurn? turn) => lease.IsLost || turn?.IsLost == true;

    private Task PublishSupersededAsync(BottleJob job, string? slug) =>
        events.PublishAsync(new BottleEvent(BottleEventKind.Failed, slug, job.JobId, clock.GetUtcNow(),
            $"this attempt was cancelled: Worker {identity.Id} lost the job to another Worker (it was cut off past the reclaim time); the other attempt's result counts",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["outcome"] = "superseded" }));

    /// <summary>Stores the result and acknowledges, as one step only the entry's owner can take; then says so.</summary>
    private async Task CompleteAsync(StreamEntry entry, BottleJob? job, JobResult result, PrTurn? turn, string? slug, RunRecord? record = null)
    {
        (string, string)? pullRequest = job is { Kind: JobKind.PullRequest, PullRequest: { } work } ? (work.Key, turn?.LockValue ?? "") : null;
        switch (await completion.CompleteAsync(entry.Id, identity.Id, result, pullRequest, record))
        {
            case CompletionOutcome.Stored:
                if (record is not null)
                {
                    metrics.Record(record);
                }

                var kind = result.Outcome == JobOutcome.Succeeded ? BottleEventKind.Finished : BottleEventKind.Failed;
                await events.PublishAsync(new BottleEvent(kind, slug ?? result.Slug, result.JobId, clock.GetUtcNow(), result.Error ?? "done", ResultData(result)));
                break;
            case CompletionOutcome.NotOwner:
                LogSuperseded(logger, result.JobId, "its entry belongs to another Worker");
                break;
        }
    }

    private string RecordAttempt(string jobId, string slug)
    {
        // Synchronous on purpose: the slug must be on record before the container it names exists.
        Db.StringSet(QueueNames.AttemptKey(jobId), slug, Options.ResultRetention);
        return slug;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} already has a result; its repeated delivery is acknowledged without running")]
    private static partial void LogAlreadyDone(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was superseded here ({Reason}); nothing of this attempt is stored")]
    private static partial void LogSuperseded(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) failed")]
    private static partial void LogJobFailed(ILogger logger, string jobId, JobKind kind, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error processing job entry {EntryId}")]
    private static partial void LogUnexpected(ILogger logger, string entryId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable; retrying")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}
