using BotBottle.Core.Bottles;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Testing;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Egress;
using BotBottle.Worker.Tests.Support;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Tests.Bottles;

/// <summary>
/// What an outage leaves behind, and what a Worker makes of it when it starts: real Worker
/// processes killed with SIGKILL, containers removed behind BotBottle's back, a real Redis.
/// </summary>
public sealed class LeftoversTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly RedisServer _redis = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ScriptedAnthropicServer _model = null!;
    private BottleHarness _bottles = null!;
    private QueueWatcher _queue = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _model = await ScriptedAnthropicServer.StartAsync();
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
    public async Task A_bottle_removed_while_no_Worker_ran_is_marked_vanished_with_when_that_was_noticed()
    {
        string slug;
        await using (var first = StartWorker())
        {
            var launch = new BottleJob { JobId = BottleJob.NewJobId(), Kind = JobKind.Launch, AgentName = "claude", Label = "left running" };
            await _queue.EnqueueAsync(launch);
            slug = (await _queue.WaitForResultAsync(launch.JobId, Timeout, first)).Slug!;
            await first.KillAsync();
        }

        await _bottles.Docker.Containers.RemoveContainerAsync(DockerNames.Container(slug), new ContainerRemoveParameters { Force = true });
        var before = DateTimeOffset.UtcNow;
        await using var second = StartWorker();

        var row = await WaitForRowAsync(slug, r => r.Status == BottleStatus.Vanished, second);
        Assert.NotNull(row.VanishedAt);
        Assert.InRange(row.VanishedAt!.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.Equal("left running", row.Label);
        await _queue.WaitForEventAsync(e => e.Kind == BottleEventKind.Vanished && e.Slug == slug, Timeout, second);
    }

    [Fact]
    public async Task What_a_killed_Worker_ran_is_swept_by_the_next_one_bottle_proxy_and_network()
    {
        var job = new BottleJob { JobId = BottleJob.NewJobId(), Kind = JobKind.Run, AgentName = "claude", Task = "hold me: a long review", RequestedBy = "test" };
        string slug;
        await using (var doomed = StartWorker())
        {
            await _queue.EnqueueAsync(job);
            await _queue.WaitForEventAsync(e => e.JobId == job.JobId && e.Kind == BottleEventKind.Running, Timeout, doomed);
            slug = (await _queue.EventsAsync(job.JobId)).First(e => e.Kind == BottleEventKind.Running).Slug!;
            await doomed.KillAsync();
        }

        var network = RuntimeRecord.TryRead(_bottles.State.BottleDir(slug))!.Network;
        // This Worker does not reclaim the job during the test: only its sweep may clean up.
        await using var next = StartWorker(reclaimAfter: TimeSpan.FromHours(1));

        await WaitUntilAsync(async () => !await ExistsAsync(DockerNames.Container(slug)) && !await ExistsAsync(EgressSidecars.ContainerName(slug)) && !await NetworkExistsAsync(network), next);
        Assert.Null(RuntimeRecord.TryRead(_bottles.State.BottleDir(slug)));
        Assert.True(Directory.Exists(_bottles.State.BottleDir(slug)), "the state directory stays");
    }

    private ServiceProcess StartWorker(TimeSpan? reclaimAfter = null) =>
        WorkerProcess.Start(_redis.ConnectionString, _bottles, reclaimAfter ?? TimeSpan.FromSeconds(30), new Dictionary<string, string>
        {
            ["BotBottle__ReconcileInterval"] = "00:00:01",
        });

    private async Task<ActiveAgent> WaitForRowAsync(string slug, Func<ActiveAgent, bool> match, ServiceProcess worker)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var json = await _redis.Connection.GetDatabase().HashGetAsync(QueueNames.Bottles, slug);
            if (!json.IsNullOrEmpty && BotBottleJson.Deserialize<ActiveAgent>(json!) is var row && match(row))
            {
                return row;
            }

            worker.ThrowIfDied();
            Assert.True(DateTime.UtcNow < deadline, $"row {slug} never became what was expected: {json}\n{worker.Log}");
            await Task.Delay(200);
        }
    }

    private async Task<bool> ExistsAsync(string container)
    {
        try
        {
            await _bottles.Docker.Containers.InspectContainerAsync(container);
            return true;
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
    }

    private async Task<bool> NetworkExistsAsync(string network)
    {
        try
        {
            await _bottles.Docker.Networks.InspectNetworkAsync(network);
            return true;
        }
        catch (DockerNetworkNotFoundException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, ServiceProcess worker)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            worker.ThrowIfDied();
            Assert.True(DateTime.UtcNow < deadline, $"the dead Worker's bottle, proxy or network is still there\n{worker.Log}");
            await Task.Delay(250);
        }
    }
}
