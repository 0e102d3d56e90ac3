using System.Diagnostics;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using StackExchange.Redis;

namespace BotBottle.Bench.Drills;

/// <summary>SIGSTOP the Worker running a job for longer than ReclaimAfter, then SIGCONT: the job finishes once, elsewhere; the paused Worker's run is cancelled when it wakes.</summary>
public static class PartitionDrill
{
    public static async Task<DrillResult> RunAsync(TextWriter log)
    {
        await using var stack = await DrillRig.StartAsync(log);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stack.Model.Gate = body => body.Contains("partition", StringComparison.Ordinal) ? release.Task : Task.CompletedTask;
        var reclaimAfter = TimeSpan.FromSeconds(5);
        var workers = new[] { stack.StartWorker(reclaimAfter), stack.StartWorker(reclaimAfter) };
        await Task.WhenAll(workers.Select(w => w.WaitUntilAliveAsync(TimeSpan.FromSeconds(60))));

        var job = await stack.SubmitRunAsync("partition");
        await stack.WaitUntilRunningAsync(job.JobId, TimeSpan.FromMinutes(2));
        var pending = await stack.Redis.Connection.GetDatabase().StreamPendingMessagesAsync(QueueNames.JobStream, QueueNames.WorkerGroup, 10, RedisValue.Null);
        var owner = workers.Single(w => pending.Any(p => ((string)p.ConsumerName!).Contains($"-{w.ProcessId}-", StringComparison.Ordinal)));
        var other = workers.Single(w => w != owner);

        var fault = Stopwatch.StartNew();
        await owner.PauseAsync();
        log.WriteLine("drill partition: the Worker running the job is stopped (SIGSTOP)");
        await Task.Delay(reclaimAfter * 3);
        await owner.ContinueAsync();
        var cancelled = await WaitForAsync(stack, job.JobId, e => e.Data?.GetValueOrDefault("outcome") == "superseded", TimeSpan.FromSeconds(30));
        release.SetResult();

        var results = await stack.WaitForResultsAsync([job.JobId], TimeSpan.FromMinutes(3));
        var recovery = fault.Elapsed;
        var storedByOther = results.TryGetValue(job.JobId, out var result) && result.WorkerId.Contains($"-{other.ProcessId}-", StringComparison.Ordinal);
        var leftovers = await stack.LeftoversAsync(TimeSpan.FromSeconds(30));
        return new DrillResult("SIGSTOP the running Worker past ReclaimAfter, then SIGCONT", 1, results.Count, await stack.RanTwiceAsync([job.JobId]), 1 - results.Count, recovery,
            string.Join("; ",
                DrillResult.Check("paused Worker's run cancelled when it woke", cancelled),
                DrillResult.Check("result stored by the other Worker", storedByOther, result?.WorkerId),
                DrillResult.Check("nothing left on the engine", leftovers.Count == 0, string.Join(", ", leftovers))));
    }

    internal static async Task<bool> WaitForAsync(DrillRig stack, string jobId, Func<BottleEvent, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if ((await stack.EventsOfAsync(jobId)).Any(match))
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
}
