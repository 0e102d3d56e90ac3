using BotBottle.Testing;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Tests.Support;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Tests.Jobs;

/// <summary>
/// Real Worker processes taking jobs from a real Redis and running the real Claude Code CLI in
/// real bottles. Each test has its own Redis, so no two share a queue.
/// </summary>
public sealed class JobQueueTests : IAsyncLifetime
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    private readonly RedisServer _redis = new();
    private ScriptedAnthropicServer _model = null!;
    private BottleHarness _bottles = null!;
    private QueueWatcher _queue = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _model = await ScriptedAnthropicServer.StartAsync();
        _bottles = new BottleHarness(ClaudeAgentManifest.For(_model.Port));
        _queue = new QueueWatcher(_redis.Connection);
    }

    public async Task DisposeAsync()
    {
        await _bottles.DisposeAsync();
        await _model.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Run_job_is_carried_out_its_result_stored_and_acknowledged_and_its_lifecycle_published()
    {
        await using var worker = WorkerProcess.Start(_redis.ConnectionString, _bottles, TimeSpan.FromSeconds(30));
        var job = RunJob("Explain the build, briefly.");

        await _queue.EnqueueAsync(job);
        var result = await _queue.WaitForResultAsync(job.JobId, JobTimeout, worker);

        Assert.Equal(JobOutcome.Succeeded, result.Outcome);
        Assert.True(Guid.TryParse(result.Harness?.SessionId, out _));
        Assert.NotNull(result.Slug);
        Assert.Equal("review bot", _bottles.State.ReadMetadata(result.Slug).Label);
        Assert.Equal(0, await _queue.PendingCountAsync());
        // The Finished event is published just after the result is stored: a loaded machine may
        // let the test read the events in between.
        var kinds = (await _queue.EventsAsync(job.JobId)).Select(e => e.Kind).ToList();
        for (var waited = 0; !kinds.Contains(BottleEventKind.Finished) && waited < 100; waited++)
        {
            await Task.Delay(100);
            kinds = [.. (await _queue.EventsAsync(job.JobId)).Select(e => e.Kind)];
        }

        Assert.Equal(
            [BottleEventKind.Starting, BottleEventKind.Running, BottleEventKind.Removed, BottleEventKind.Finished],
            kinds.Where(k => k != BottleEventKind.Output));
        Assert.Contains(BottleEventKind.Output, kinds);
    }

    [Fact]
    public async Task Job_left_pending_by_a_killed_Worker_is_reclaimed_and_finished_by_another_Worker()
    {
        // The first model reply is held back, so the first Worker is mid-run when it dies.
        _model.Delay = n => n == 1 ? TimeSpan.FromMinutes(5) : TimeSpan.Zero;
        var reclaimAfter = TimeSpan.FromSeconds(3);
        var job = RunJob("Look at the failing test.");

        await using var doomed = WorkerProcess.Start(_redis.ConnectionString, _bottles, reclaimAfter);
        await _queue.EnqueueAsync(job);
        await _queue.WaitForEventAsync(e => e.JobId == job.JobId && e.Kind == BottleEventKind.Running, JobTimeout, doomed);
        await WaitUntilAsync(() => _model.Requests.Count > 0, JobTimeout);
        var abandonedSlug = (await _queue.EventsAsync(job.JobId)).First(e => e.Kind == BottleEventKind.Running).Slug!;
        await doomed.KillAsync();

        await using var survivor = WorkerProcess.Start(_redis.ConnectionString, _bottles, reclaimAfter);
        var result = await _queue.WaitForResultAsync(job.JobId, JobTimeout, survivor);

        Assert.True(result.Outcome == JobOutcome.Succeeded, result.Error);
        Assert.Contains($"-{survivor.ProcessId}-", result.WorkerId, StringComparison.Ordinal);
        Assert.NotEqual(abandonedSlug, result.Slug);
        Assert.Equal(0, await _queue.PendingCountAsync());
        var leftovers = await _bottles.Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true });
        Assert.DoesNotContain(leftovers, c => c.Labels.TryGetValue(DockerNames.SlugLabel, out var slug) && slug == abandonedSlug);
    }

    [Fact]
    public async Task Launched_bottle_is_listed_with_its_label_and_colour_until_torn_down()
    {
        await using var worker = WorkerProcess.Start(_redis.ConnectionString, _bottles, TimeSpan.FromSeconds(30));
        var launch = new BottleJob { JobId = BottleJob.NewJobId(), Kind = JobKind.Launch, AgentName = "claude", Label = "api refactor", Color = "bright-magenta" };

        await _queue.EnqueueAsync(launch);
        var launched = await _queue.WaitForResultAsync(launch.JobId, JobTimeout, worker);

        var listed = await _redis.Connection.GetDatabase().HashGetAsync(QueueNames.Bottles, launched.Slug);
        var row = BotBottleJson.Deserialize<Core.Bottles.ActiveAgent>(listed!);
        Assert.Equal(("api refactor", "bright-magenta", "claude", "docker"), (row.Label, row.Color, row.AgentName, row.BackendName));

        var teardown = new BottleJob { JobId = BottleJob.NewJobId(), Kind = JobKind.Teardown, Slug = launched.Slug };
        await _queue.EnqueueAsync(teardown);
        await _queue.WaitForResultAsync(teardown.JobId, JobTimeout, worker);

        Assert.False(await _redis.Connection.GetDatabase().HashExistsAsync(QueueNames.Bottles, launched.Slug));
        Assert.Contains(await _queue.EventsAsync(teardown.JobId), e => e.Kind == BottleEventKind.Removed && e.Slug == launched.Slug);
    }

    [Fact]
    public async Task Malformed_job_is_failed_with_the_reason_and_not_retried()
    {
        await using var worker = WorkerProcess.Start(_redis.ConnectionString, _bottles, TimeSpan.FromSeconds(30));
        var job = new BottleJob { JobId = BottleJob.NewJobId(), Kind = JobKind.Resume, Slug = "a3f9", Task = "continue" };

        await _queue.EnqueueAsync(job);
        var result = await _queue.WaitForResultAsync(job.JobId, TimeSpan.FromSeconds(30), worker);

        Assert.Equal(JobOutcome.Failed, result.Outcome);
        Assert.Contains("session id", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, await _queue.PendingCountAsync());
    }

    private static BottleJob RunJob(string task) => new()
    {
        JobId = BottleJob.NewJobId(),
        Kind = JobKind.Run,
        AgentName = "claude",
        Task = task,
        Label = "review bot",
        Color = "bright-magenta",
        RequestedBy = "test",
        EnqueuedAt = DateTimeOffset.UtcNow,
    };

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met");
            }

            await Task.Delay(100);
        }
    }
}
