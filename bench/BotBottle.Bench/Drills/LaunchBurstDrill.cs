using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BotBottle.Bench.Dashboard;
using BotBottle.Core.Api;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using StackExchange.Redis;

namespace BotBottle.Bench.Drills;

/// <summary>50 bottles launched at once on one host, then stopped: every lifecycle event reaches a Redis subscriber and an open dashboard in Chromium.</summary>
public static class LaunchBurstDrill
{
    private const int Bottles = 50;

    public static async Task<DrillResult> RunAsync(TextWriter log)
    {
        await using var stack = await DrillRig.StartAsync(log);
        var workers = new[] { stack.StartWorker(TimeSpan.FromSeconds(30), slots: 6), stack.StartWorker(TimeSpan.FromSeconds(30), slots: 6) };
        var web = stack.StartWeb();
        await Task.WhenAll(workers.Append(web).Select(s => s.WaitUntilAliveAsync(TimeSpan.FromSeconds(60))));

        var running = new ConcurrentDictionary<string, bool>();
        var removed = new ConcurrentDictionary<string, bool>();
        await stack.Redis.Connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(QueueNames.EventChannel), (_, message) =>
        {
            var e = BotBottleJson.Deserialize<BottleEvent>(message!);
            if (e.Slug is { } slug && e.Kind == BottleEventKind.Running)
            {
                running[slug] = true;
            }
            else if (e.Slug is { } gone && e.Kind == BottleEventKind.Removed)
            {
                removed[gone] = true;
            }
        });
        await using var dashboard = await DashboardWatcher.OpenAsync(web.Url, DrillRig.Secret);

        using var api = new HttpClient { BaseAddress = web.Url };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DrillRig.ApiToken);
        var clock = Stopwatch.StartNew();
        var queued = await Task.WhenAll(Enumerable.Range(0, Bottles).Select(async i =>
        {
            using var response = await api.PostAsJsonAsync("/api/bottles", new LaunchRequest("shell", $"burst {i}", "cyan"));
            return (await response.Content.ReadFromJsonAsync<QueuedJob>(BotBottleJson.Options))!.JobId;
        }));
        var results = await stack.WaitForResultsAsync(queued, TimeSpan.FromMinutes(6));
        var slugs = results.Values.Select(r => r.Slug).OfType<string>().ToList();
        await UntilAsync(async () => running.Count >= slugs.Count && await dashboard.SeenCountAsync() >= slugs.Count, TimeSpan.FromSeconds(30));
        var shown = await dashboard.SeenCountAsync();
        var up = clock.Elapsed;

        await Task.WhenAll(slugs.Select(async slug =>
        {
            using var stop = await api.DeleteAsync(new Uri($"/api/bottles/{slug}?purge=true", UriKind.Relative));
        }));
        await UntilAsync(async () => removed.Count >= slugs.Count && await dashboard.GoneCountAsync() >= slugs.Count, TimeSpan.FromMinutes(5));
        var gone = await dashboard.GoneCountAsync();
        var leftovers = await stack.LeftoversAsync(TimeSpan.FromSeconds(30));
        log.WriteLine($"drill launch-burst: {slugs.Count} up in {up.TotalSeconds:F1} s");
        return new DrillResult($"{Bottles} bottles launched at once, then stopped", Bottles, slugs.Count, 0, Bottles - slugs.Count, up,
            string.Join("; ",
                DrillResult.Check("every launch got its bottle", slugs.Count == Bottles,
                    string.Join(" | ", results.Values.Where(r => r.Error is not null).Select(r => r.Error).Distinct())),
                DrillResult.Check("Redis subscriber saw every start and stop", running.Count == slugs.Count && removed.Count == slugs.Count, $"{running.Count} started, {removed.Count} removed"),
                DrillResult.Check("dashboard showed every row and removed it", shown == slugs.Count && gone == slugs.Count, $"{shown} shown, {gone} gone"),
                DrillResult.Check("nothing left on the engine", leftovers.Count == 0, string.Join(", ", leftovers))));
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
    }
}
