using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BotBottle.Bench.Dashboard;
using BotBottle.Core.Api;
using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;

namespace BotBottle.Bench.Drills;

/// <summary>
/// Restart Redis (its log kept) with 20 jobs queued and 5 running: nothing is lost, the PR registry
/// is intact, and an open dashboard shows rows again without a reload.
/// </summary>
public static class RedisRestartDrill
{
    public static async Task<DrillResult> RunAsync(TextWriter log)
    {
        await using var stack = await DrillRig.StartAsync(log);
        var workers = new[] { stack.StartWorker(TimeSpan.FromSeconds(10), slots: 3), stack.StartWorker(TimeSpan.FromSeconds(10), slots: 3) };
        var web = stack.StartWeb();
        await Task.WhenAll(workers.Append(web).Select(s => s.WaitUntilAliveAsync(TimeSpan.FromSeconds(60))));

        // A PR with a session, so there is a registry entry to keep.
        var pr = PrJob("Review PR #7", "redis-drill-0");
        await stack.Queue.AcceptPullRequestAsync(pr);
        await stack.WaitForResultsAsync([pr.JobId], TimeSpan.FromMinutes(2));
        var db = stack.Redis.Connection.GetDatabase();
        var registryBefore = (string?)await db.HashGetAsync(PrRedisNames.Registry, pr.PullRequest!.Key);

        await using var dashboard = await DashboardWatcher.OpenAsync(web.Url, DrillRig.Secret);
        stack.Model.Delay = _ => TimeSpan.FromSeconds(3);
        var jobs = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            jobs.Add((await stack.SubmitRunAsync($"redis-{i}")).JobId);
        }

        await WorkerKillDrill.WaitUntilAsync(async () => await WorkerKillDrill.RunningAsync(stack, jobs) >= 5, TimeSpan.FromMinutes(2));
        var fault = Stopwatch.StartNew();
        await stack.Redis.StopAsync();
        log.WriteLine("drill redis-restart: Redis stopped");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stack.Redis.StartAsync();
        log.WriteLine("drill redis-restart: Redis started again on its log");

        var results = await stack.WaitForResultsAsync(jobs, TimeSpan.FromMinutes(8));
        var recovery = fault.Elapsed;
        var registryAfter = (string?)await db.HashGetAsync(PrRedisNames.Registry, pr.PullRequest.Key);

        // A bottle launched after the restart shows up in the page that stayed open all along.
        using var api = new HttpClient { BaseAddress = web.Url };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DrillRig.ApiToken);
        using var launched = await api.PostAsJsonAsync("/api/bottles", new LaunchRequest("shell", "after the restart"));
        var launch = await launched.Content.ReadFromJsonAsync<QueuedJob>(BotBottleJson.Options);
        var slug = (await stack.WaitForResultsAsync([launch!.JobId], TimeSpan.FromMinutes(2))).GetValueOrDefault(launch.JobId)?.Slug ?? "";
        var rowShown = false;
        for (var i = 0; i < 100 && !rowShown; i++)
        {
            rowShown = await dashboard.SeenAsync(slug) is not null;
            await Task.Delay(100);
        }

        var noReload = await dashboard.NeverReloadedAsync();
        using var stop = await api.DeleteAsync(new Uri($"/api/bottles/{slug}?purge=true", UriKind.Relative));
        var failed = results.Values.Count(r => r.Outcome != JobOutcome.Succeeded);
        return new DrillResult("Restart Redis with 20 queued and 5 running jobs", jobs.Count, results.Count, await stack.RanTwiceAsync(jobs), jobs.Count - results.Count, recovery,
            string.Join("; ",
                DrillResult.Check("every run succeeded", failed == 0, $"{failed} failed: {string.Join(" | ", results.Values.Where(r => r.Error is not null).Select(r => r.Error).Distinct())}"),
                DrillResult.Check("PR registry intact", registryBefore is not null && registryBefore == registryAfter),
                DrillResult.Check("dashboard rows back without a reload", rowShown && noReload,
                    slug.Length == 0 ? $"the launch after the restart gave no bottle ({launched.StatusCode})"
                    : !rowShown ? $"bottle {slug} never appeared on the open page"
                    : "the page reloaded")));
    }

    internal static BottleJob PrJob(string prompt, string deliveryId)
    {
        var work = new PrWork
        {
            Kind = PrWorkKind.Start,
            Repository = DrillRig.Repository,
            Number = 7,
            DeliveryId = deliveryId,
            EventKey = $"drill:{deliveryId}",
            Prompt = prompt,
            FromFork = false,
        };
        return new BottleJob { JobId = BottleJob.NewJobId(), Kind = JobKind.PullRequest, PullRequest = work, RequestedBy = $"webhook:{work.Key}", EnqueuedAt = DateTimeOffset.UtcNow };
    }
}
