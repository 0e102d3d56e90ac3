using System.Diagnostics;
using BotBottle.Core.Jobs;

namespace BotBottle.Bench.Drills;

/// <summary>Restart dockerd under a running bottle: the run is reported failed with a reason, its state is kept, nothing is left behind.</summary>
public static class DockerRestartDrill
{
    public static async Task<DrillResult> RunAsync(TextWriter log)
    {
        await using var stack = await DrillRig.StartAsync(log);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stack.Model.Gate = body => body.Contains("dockerd", StringComparison.Ordinal) ? release.Task : Task.CompletedTask;
        var worker = stack.StartWorker(TimeSpan.FromSeconds(30), slots: 1);
        await worker.WaitUntilAliveAsync(TimeSpan.FromSeconds(60));

        var job = await stack.SubmitRunAsync("dockerd");
        var slug = await stack.WaitUntilRunningAsync(job.JobId, TimeSpan.FromMinutes(2));
        var fault = Stopwatch.StartNew();
        await RestartEngineAsync(log);
        release.SetResult();

        var results = await stack.WaitForResultsAsync([job.JobId], TimeSpan.FromMinutes(3));
        var recovery = fault.Elapsed;
        var result = results.GetValueOrDefault(job.JobId);
        var stateKept = File.Exists(Path.Combine(stack.StateRoot, slug, "metadata.json"));
        var leftovers = await stack.LeftoversAsync(TimeSpan.FromSeconds(60));

        // The engine serves the next run as before.
        stack.Model.Gate = _ => Task.CompletedTask;
        var next = await stack.SubmitRunAsync("after the engine restart");
        var nextResult = (await stack.WaitForResultsAsync([next.JobId], TimeSpan.FromMinutes(3))).GetValueOrDefault(next.JobId);
        return new DrillResult("Restart dockerd under a running bottle", 1, results.Count, await stack.RanTwiceAsync([job.JobId]), 1 - results.Count, recovery,
            string.Join("; ",
                DrillResult.Check($"reported failed with a reason (\"{result?.Error}\")", result is { Outcome: JobOutcome.Failed, Error.Length: > 0 }, result?.Error ?? "no result"),
                DrillResult.Check("state kept", stateKept),
                DrillResult.Check("nothing left on the engine", leftovers.Count == 0, string.Join(", ", leftovers)),
                DrillResult.Check("the next run succeeds", nextResult?.Outcome == JobOutcome.Succeeded, nextResult?.Error ?? "no result")));
    }

    /// <summary>Through systemd where it manages Docker; otherwise as ./test.sh starts it: SIGTERM, wait, start again.</summary>
    private static async Task RestartEngineAsync(TextWriter log)
    {
        const string script = """
            if command -v systemctl >/dev/null && systemctl is-active --quiet docker 2>/dev/null; then
              systemctl restart docker
            else
              pid=$(pgrep -x dockerd) || { echo "no dockerd runs" >&2; exit 1; }
              kill -TERM "$pid"
              while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
              nohup dockerd >>/var/log/botbottle-dockerd.log 2>&1 &
            fi
            for i in $(seq 1 120); do docker info >/dev/null 2>&1 && exit 0; sleep 0.5; done
            echo "dockerd did not come back" >&2; exit 1
            """;
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardError = true })!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"restarting dockerd failed: {errors}");
        }

        log.WriteLine("drill dockerd-restart: the engine was restarted");
    }
}
