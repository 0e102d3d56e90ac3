using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;
using BotBottle.Testing;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Tests.Support;
using Docker.DotNet.Models;
using StackExchange.Redis;

namespace BotBottle.Worker.Tests.Jobs;

/// <summary>
/// Who may run a job and store its result, with a real Worker process, a real Redis and the real
/// Claude Code CLI in real bottles. The test plays the other Worker: it claims entries, takes PR
/// locks and leaves orphans exactly as another Worker would on the wire.
/// </summary>
public sealed class JobOwnershipTests : IAsyncLifetime
{
    private const string Thief = "another-worker";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly RedisServer _redis = new();
    private ScriptedAnthropicServer _model = null!;
    private BottleHarness _bottles = null!;
    private QueueWatcher _queue = null!;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IDatabase Db => _redis.Connection.GetDatabase();

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _model = await ScriptedAnthropicServer.StartAsync();
        // Requests whose conversation says "hold me" wait until the test lets them go.
        _model.Gate = body => body.Contains("hold me", StringComparison.Ordinal) ? _release.Task : Task.CompletedTask;
        _bottles = new BottleHarness(ClaudeAgentManifest.For(_model.Port));
        _queue = new QueueWatcher(_redis.Connection);
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _bottles.DisposeAsync();
        await _model.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_Worker_whose_job_was_reclaimed_does_not_take_it_back_and_cancels_its_run()
    {
        await using var worker = StartWorker(reclaimAfter: TimeSpan.FromSeconds(3));
        var job = RunJob("hold me: review the parser");
        await _queue.EnqueueAsync(job);
        var slug = await RunningSlugAsync(job, worker);

        // Another Worker reclaims the entry, as it would after a partition longer than ReclaimAfter,
        // and, being alive, keeps its claim fresh (else, idle past ReclaimAfter, it is an orphan
        // that this Worker may rightly reclaim: on a loaded machine that can happen before the check).
        var entry = await PendingEntryAsync(job.JobId);
        await Db.StreamClaimIdsOnlyAsync(QueueNames.JobStream, QueueNames.WorkerGroup, Thief, 0, [entry]);
        using var thiefAlive = new CancellationTokenSource();
        var keepAlive = Task.Run(async () =>
        {
            while (!thiefAlive.IsCancellationRequested)
            {
                await Task.Delay(500);
                await Db.StreamClaimIdsOnlyAsync(QueueNames.JobStream, QueueNames.WorkerGroup, Thief, 0, [entry]);
            }
        });

        await _queue.WaitForEventAsync(e => e.JobId == job.JobId && e.Data?.GetValueOrDefault("outcome") == "superseded", Timeout, worker);
        Assert.False(await ContainerExistsAsync(slug), "the superseded run's bottle was left running");
        Assert.Equal(Thief, await OwnerAsync(entry));
        Assert.Null(await _queue.TryResultAsync(job.JobId));
        await thiefAlive.CancelAsync();
        await keepAlive;
    }

    [Fact]
    public async Task A_result_is_stored_only_by_the_Worker_that_owns_the_entry()
    {
        // Renewals are far apart, so the run ends before this Worker could notice the claim: only
        // the store-and-acknowledge step itself can refuse.
        await using var worker = StartWorker(reclaimAfter: TimeSpan.FromMinutes(5));
        var job = RunJob("hold me: explain the cache");
        await _queue.EnqueueAsync(job);
        await RunningSlugAsync(job, worker);
        await WaitUntilAsync(() => Task.FromResult(_model.RequestsMentioning("hold me").Count > 0), "the model was never asked", worker);
        var entry = await PendingEntryAsync(job.JobId);
        await Db.StreamClaimIdsOnlyAsync(QueueNames.JobStream, QueueNames.WorkerGroup, Thief, 0, [entry]);

        _release.SetResult();
        await _queue.WaitForEventAsync(e => e.JobId == job.JobId && e.Kind == BottleEventKind.Removed, Timeout, worker);
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Null(await _queue.TryResultAsync(job.JobId));
        Assert.Equal(Thief, await OwnerAsync(entry));
    }

    [Fact]
    public async Task A_job_whose_result_exists_is_acknowledged_without_running_again()
    {
        var job = RunJob("this must not run");
        var earlier = new JobResult { JobId = job.JobId, Outcome = JobOutcome.Succeeded, WorkerId = "earlier", FinishedAt = DateTimeOffset.UtcNow };
        await Db.StringSetAsync(QueueNames.ResultKey(job.JobId), BotBottleJson.Serialize(earlier));
        await using var worker = StartWorker(reclaimAfter: TimeSpan.FromSeconds(30));

        await _queue.EnqueueAsync(job);
        var entry = await PendingEntryAsync(job.JobId);
        await WaitUntilAsync(async () => (await Db.StreamGroupInfoAsync(QueueNames.JobStream)) is [{ LastDeliveredId: var delivered }] && delivered == entry
            && await _queue.PendingCountAsync() == 0, "the repeated job was never acknowledged", worker);

        Assert.Equal("earlier", (await _queue.TryResultAsync(job.JobId))!.WorkerId);
        Assert.Empty(_model.RequestsMentioning("this must not run"));
        Assert.DoesNotContain(await _queue.EventsAsync(job.JobId), e => e.Kind == BottleEventKind.Starting);
    }

    [Fact]
    public async Task A_PR_run_whose_lock_is_lost_is_cancelled_and_writes_nothing_for_the_PR()
    {
        await using var gitea = await GiteaApiServer.StartAsync();
        await using var worker = StartWorker(reclaimAfter: TimeSpan.FromSeconds(30), gitea: gitea);
        var job = PrJob(7, "hold me: review PR #7", "d-lost");
        await _queue.EnqueueAsync(job);
        var slug = await RunningSlugAsync(job, worker);

        // The lock lapsed and another Worker's turn holds it now.
        await Db.StringSetAsync(PrRedisNames.Lock(job.PullRequest!.Key), "someone-else:99", TimeSpan.FromMinutes(5));

        await WaitUntilAsync(async () => !await ContainerExistsAsync(slug), "the run that lost its PR lock was never stopped", worker);
        _release.SetResult();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(await Db.HashExistsAsync(PrRedisNames.Registry, job.PullRequest.Key), "a run without the PR's lock wrote the registry");
        Assert.False(await Db.KeyExistsAsync(PrRedisNames.Done(job.PullRequest.DeliveryId)));
        Assert.Empty(gitea.CommentsOn("acme/widgets", 7));
        Assert.Null(await _queue.TryResultAsync(job.JobId));
    }

    [Fact]
    public async Task Events_waiting_for_their_PR_hold_no_slot_and_other_work_goes_on()
    {
        await using var worker = StartWorker(reclaimAfter: TimeSpan.FromSeconds(30), slots: 2);
        var first = PrJob(7, "hold me: review PR #7", "d-1");
        await _queue.EnqueueAsync(first);
        await RunningSlugAsync(first, worker);
        var second = PrJob(7, "@botbottle explain", "d-2");
        var third = PrJob(7, "@botbottle and test it", "d-3");
        await _queue.EnqueueAsync(second);
        await _queue.EnqueueAsync(third);

        var other = RunJob("a dashboard launch while PR #7 is busy");
        await _queue.EnqueueAsync(other);
        var result = await _queue.WaitForResultAsync(other.JobId, TimeSpan.FromSeconds(90), worker);

        Assert.Equal(JobOutcome.Succeeded, result.Outcome);
        Assert.Null(await _queue.TryResultAsync(first.JobId));

        // Let PR #7 go: its events then run one after the other, in the order they were accepted.
        _release.SetResult();
        var results = new List<JobResult>();
        foreach (var job in new[] { first, second, third })
        {
            results.Add(await _queue.WaitForResultAsync(job.JobId, Timeout, worker));
        }

        Assert.All(results, r => Assert.Equal(JobOutcome.Succeeded, r.Outcome));
        Assert.True(results[0].FinishedAt < results[1].FinishedAt && results[1].FinishedAt < results[2].FinishedAt, "PR events finished out of order");
        Assert.Equal(3, (await new Worker.PullRequests.PrSessionRegistry(_redis.Connection).GetAsync(first.PullRequest!.Key))!.Turns);
    }

    [Fact]
    public async Task An_orphan_behind_many_live_entries_is_found_and_reclaimed()
    {
        // Fifteen jobs another live Worker holds (it keeps touching them), then one whose Worker died.
        var live = Enumerable.Range(0, 15).Select(i => TeardownJob($"a{i:x3}")).ToList();
        var orphan = TeardownJob("dead");
        await Db.StreamCreateConsumerGroupAsync(QueueNames.JobStream, QueueNames.WorkerGroup, "0", createStream: true);
        foreach (var job in live.Append(orphan))
        {
            await _queue.EnqueueAsync(job);
        }

        await Db.StreamReadGroupAsync(QueueNames.JobStream, QueueNames.WorkerGroup, "alive", ">", count: 16);
        var orphanEntry = await PendingEntryAsync(orphan.JobId);
        await Db.ExecuteAsync("XCLAIM", QueueNames.JobStream, QueueNames.WorkerGroup, "dead", "0", orphanEntry, "IDLE", "600000", "JUSTID");
        var liveEntries = new List<RedisValue>();
        foreach (var job in live)
        {
            liveEntries.Add(await PendingEntryAsync(job.JobId));
        }

        using var touching = new CancellationTokenSource();
        var toucher = Task.Run(async () =>
        {
            while (!touching.IsCancellationRequested)
            {
                await Db.StreamClaimIdsOnlyAsync(QueueNames.JobStream, QueueNames.WorkerGroup, "alive", 0, [.. liveEntries]);
                await Task.Delay(300);
            }
        });

        await using var worker = StartWorker(reclaimAfter: TimeSpan.FromSeconds(2));
        var result = await _queue.WaitForResultAsync(orphan.JobId, TimeSpan.FromSeconds(30), worker);
        await touching.CancelAsync();
        await toucher;

        Assert.Contains("no bottle", result.Error, StringComparison.Ordinal);
        foreach (var entry in liveEntries)
        {
            Assert.Equal("alive", await OwnerAsync(entry));
        }
    }

    private ServiceProcess StartWorker(TimeSpan reclaimAfter, int slots = 2, GiteaApiServer? gitea = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["BotBottle__Jobs__MaxConcurrentJobs"] = slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BotBottle__PullRequests__LockExpiry"] = "00:00:03",
            // About delivery, not trust: who may drive an agent is PrDispatchTests' subject.
            ["BotBottle__PullRequests__MinimumPermission"] = "None",
            ["BotBottle__PullRequests__Agent"] = "claude",
            ["BotBottle__PullRequests__PumpInterval"] = "00:00:00.500",
        };
        if (gitea is not null)
        {
            settings["BotBottle__Gitea__BaseUrl"] = gitea.BaseUrl;
            settings["BotBottle__Gitea__Token"] = "gitea-test-token";
        }

        return WorkerProcess.Start(_redis.ConnectionString, _bottles, reclaimAfter, settings);
    }

    private async Task<string> RunningSlugAsync(BottleJob job, ServiceProcess worker)
    {
        await _queue.WaitForEventAsync(e => e.JobId == job.JobId && e.Kind == BottleEventKind.Running, Timeout, worker);
        return (await _queue.EventsAsync(job.JobId)).First(e => e.Kind == BottleEventKind.Running).Slug!;
    }

    private async Task<RedisValue> PendingEntryAsync(string jobId)
    {
        foreach (var entry in await Db.StreamRangeAsync(QueueNames.JobStream))
        {
            if (BotBottleJson.Deserialize<BottleJob>(entry[QueueNames.PayloadField]!).JobId == jobId)
            {
                return entry.Id;
            }
        }

        throw new InvalidOperationException($"no entry for job {jobId}");
    }

    private async Task<string?> OwnerAsync(RedisValue entry)
    {
        var pending = await Db.StreamPendingMessagesAsync(QueueNames.JobStream, QueueNames.WorkerGroup, 1, RedisValue.Null, entry, entry);
        return pending is [var info] ? (string?)info.ConsumerName : null;
    }

    private async Task<bool> ContainerExistsAsync(string slug)
    {
        var containers = await _bottles.Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true });
        return containers.Any(c => c.Labels.TryGetValue(DockerNames.SlugLabel, out var s) && s == slug);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure, ServiceProcess worker)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            worker.ThrowIfDied();
            Assert.True(DateTime.UtcNow < deadline, $"{failure}\n{worker.Log}");
            await Task.Delay(200);
        }
    }

    private static BottleJob RunJob(string task) => new()
    {
        JobId = BottleJob.NewJobId(),
        Kind = JobKind.Run,
        AgentName = "claude",
        Task = task,
        RequestedBy = "test",
        EnqueuedAt = DateTimeOffset.UtcNow,
    };

    private static BottleJob TeardownJob(string slug) => new()
    {
        JobId = BottleJob.NewJobId(),
        Kind = JobKind.Teardown,
        Slug = slug,
        RequestedBy = "test",
    };

    private static BottleJob PrJob(int number, string prompt, string deliveryId)
    {
        var work = new PrWork
        {
            Kind = PrWorkKind.Start,
            Repository = "acme/widgets",
            Number = number,
            DeliveryId = deliveryId,
            EventKey = $"test:{deliveryId}",
            Prompt = prompt,
            // As a webhook for a PR within the repository says (a fork's would wait for approval).
            FromFork = false,
        };
        return new BottleJob { JobId = BottleJob.NewJobId(), Kind = JobKind.PullRequest, PullRequest = work, RequestedBy = $"webhook:{work.Key}", EnqueuedAt = DateTimeOffset.UtcNow };
    }
}
