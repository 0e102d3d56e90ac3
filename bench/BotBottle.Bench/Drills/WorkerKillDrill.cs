using System.Diagnostics;

namespace BotBottle.Bench.Drills;

/// <summary>SIGKILL one of two Workers in the middle of 20 runs: the other finishes every run, each result is stored once, nothing is left on the engine.</summary>
public static class WorkerKillDrill
{
    public static async Task<DrillResult> RunAsync(TextWriter log)
    {
        await using var stack = await DrillRig.StartAsync(log);
        stack.Model.Delay = _ => TimeSpan.FromSeconds(2);
        var doomed = stack.StartWorker(TimeSpan.FromSeconds(5));
        var survivor = stack.StartWorker(TimeSpan.FromSeconds(5));
        await Task.WhenAll(doomed.WaitUntilAliveAsync(TimeSpan.FromSeconds(60)), survivor.WaitUntilAliveAsync(TimeSpan.FromSeconds(60)));

        var jobs = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            jobs.Add((await stack.SubmitRunAsync($"kill-{i}")).JobId);
        }

        // Both Workers busy: then one dies mid-run.
        await WaitUntilAsync(async () => (await RunningAsync(stack, jobs)) >= 4, TimeSpan.FromMinutes(2));
        var fault = Stopwatch.StartNew();
        await doomed.KillAsync();
        log.WriteLine("drill worker-kill: one Worker killed with SIGKILL");

        var results = await stack.WaitForResultsAsync(jobs, TimeSpan.FromMinutes(6));
        var recovery = fault.Elapsed;
        var leftovers = await stack.LeftoversAsync(TimeSpan.FromSeconds(30));
        var failed = results.Values.Count(r => r.Outcome != Core.Jobs.JobOutcome.Succeeded);
        return new DrillResult("SIGKILL one of two Workers during 20 runs", jobs.Count, results.Count, await stack.RanTwiceAsync(jobs), jobs.Count - results.Count, recovery,
            string.Join("; ",
                DrillResult.Check("every run succeeded", failed == 0, $"{failed} failed"),
                DrillResult.Check("nothing left on the engine", leftovers.Count == 0, string.Join(", ", leftovers))));
    }

    internal static async Task<int> RunningAsync(DrillRig stack, IEnumerable<string> jobs)
    {
        var running = 0;
        foreach (var job in jobs)
        {
            var events = await stack.EventsOfAsync(job);
            if (events.Any(e => e.Kind == Core.Events.BottleEventKind.Running) && !events.Any(e => e.Kind == Core.Events.BottleEventKind.Removed))
            {
                running++;
            }
        }

        return running;
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the drill's precondition was not reached in time");
            }

            await Task.Delay(200);
        }
    }
}
