namespace BotBottle.Bench.Drills;

/// <summary>Runs every fault drill (or the one named) and reports the table; each drill starts and stops its own stack.</summary>
public static class DrillSuite
{
    public static async Task<string> RunAsync(string? only, string dataRoot, TextWriter log)
    {
        var drills = new (string Name, Func<Task<DrillResult>> Run)[]
        {
            ("worker-kill", () => WorkerKillDrill.RunAsync(log)),
            ("partition", () => PartitionDrill.RunAsync(log)),
            ("redis-restart", () => RedisRestartDrill.RunAsync(log)),
            ("web-restart", () => WebRestartDrill.RunAsync(log)),
            ("dockerd-restart", () => DockerRestartDrill.RunAsync(log)),
            ("pr-storm", () => PrStormDrill.RunAsync(log, dataRoot)),
            ("launch-burst", () => LaunchBurstDrill.RunAsync(log)),
        };
        var rows = new List<DrillResult>();
        foreach (var (name, run) in drills.Where(d => only is null || d.Name == only))
        {
            log.WriteLine($"drill {name}: starting");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                rows.Add(await run());
            }
            catch (Exception ex)
            {
                rows.Add(new DrillResult(name, 0, 0, 0, 0, null, DrillResult.Check("the drill ran", false, ex.Message.ReplaceLineEndings(" "))));
            }

            log.WriteLine($"drill {name}: {watch.Elapsed.TotalSeconds:F0} s, {(rows[^1].Passed ? "passed" : "FAILED")}: {rows[^1].Checks}");
        }

        return string.Join('\n', [DrillResult.Header, .. rows.Select(r => r.Row()), "",
            rows.All(r => r.Passed) ? "All drills ended with 0 lost and 0 ran twice, and every check held." : "SOME DRILLS FAILED: see the rows above."]);
    }
}
