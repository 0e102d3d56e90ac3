using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Testing;
using StackExchange.Redis;

namespace BotBottle.Bench.Dashboard;

/// <summary>
/// How long after a bottle's container starts its row shows in an open dashboard: the Worker's
/// "running" event time to the moment the row enters the page's DOM (seen by a MutationObserver in
/// Chromium). Baseline: the same event reaching a plain Redis subscriber in this process.
/// </summary>
public sealed class RowLatencyBench(int launches, TextWriter log)
{
    private const string Secret = "bench-team-secret";
    private const string Token = "bench-api-token";

    public async Task<string> RunAsync()
    {
        using var root = new TempDirectory("botbottle-bench-dashboard");
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        var manifest = root.Combine("agents.yaml");
        await File.WriteAllTextAsync(manifest, "agents:\n  shell:\n    image: botbottle/agent-base:bookworm\n    harness: claude\n");
        await using var worker = ServiceProcess.Start("BotBottle.Worker.dll", new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["BotBottle__StateRoot"] = root.Combine("state"),
            ["BotBottle__ManifestPath"] = manifest,
            ["BotBottle__Jobs__PollInterval"] = "00:00:00.050",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await using var web = ServiceProcess.Start("BotBottle.Web.dll", new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["BotBottle__Auth__TeamSecret"] = Secret,
            ["BotBottle__Auth__ApiToken"] = Token,
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await Task.WhenAll(worker.WaitUntilAliveAsync(TimeSpan.FromSeconds(60)), web.WaitUntilAliveAsync(TimeSpan.FromSeconds(60)));

        var subscriberSaw = new ConcurrentDictionary<string, DateTimeOffset>();
        await redis.Connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(QueueNames.EventChannel), (_, message) =>
        {
            var e = BotBottleJson.Deserialize<BottleEvent>(message!);
            if (e.Kind == BottleEventKind.Running && e.Slug is { } slug)
            {
                subscriberSaw.TryAdd(slug, DateTimeOffset.UtcNow);
            }
        });

        await using var dashboard = await DashboardWatcher.OpenAsync(web.Url, Secret);

        using var api = new HttpClient { BaseAddress = web.Url };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var browserMs = new List<double>();
        var subscriberMs = new List<double>();
        for (var i = 0; i < launches; i++)
        {
            var (slug, startedAt) = await LaunchAsync(api, redis, i);
            var seen = await WaitForRowAsync(dashboard, slug);
            browserMs.Add(seen - startedAt.ToUnixTimeMilliseconds());
            subscriberMs.Add((subscriberSaw[slug] - startedAt).TotalMilliseconds);
            using var stop = await api.DeleteAsync(new Uri($"/api/bottles/{slug}?purge=true", UriKind.Relative));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"row {i + 1}/{launches}: {browserMs[^1]:F0} ms"));
        }

        return string.Join('\n',
        [
            $"{launches} launches through the API, one browser watching; times from the container's start (the Worker's running event) on the same clock",
            "",
            "| observer | n | median ms | p90 ms | max ms | median ratio to baseline |",
            "|---|---|---|---|---|---|",
            Row("Redis subscriber (baseline)", subscriberMs, null),
            Row("row visible in the dashboard (Chromium)", browserMs, subscriberMs),
        ]);
    }

    private static async Task<(string Slug, DateTimeOffset StartedAt)> LaunchAsync(HttpClient api, RedisServer redis, int i)
    {
        using var response = await api.PostAsync(new Uri("/api/bottles", UriKind.Relative), JsonContent.Create(new { agent = "shell", label = $"bench {i}", color = "cyan" }));
        response.EnsureSuccessStatusCode();
        var jobId = (await response.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["jobId"].ToString()!;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var entry in await redis.Connection.GetDatabase().StreamRangeAsync(QueueNames.EventStream))
            {
                var e = BotBottleJson.Deserialize<BottleEvent>(entry[QueueNames.PayloadField]!);
                if (e.JobId == jobId && e.Kind == BottleEventKind.Running && e.Slug is { } slug)
                {
                    return (slug, e.At);
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"job {jobId} never reported a running container");
    }

    private static async Task<double> WaitForRowAsync(DashboardWatcher dashboard, string slug)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var seen = await dashboard.SeenAsync(slug);
            if (seen is { } at)
            {
                return at;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"the row of {slug} never showed");
    }

    private static string Row(string name, List<double> ms, List<double>? baseline)
    {
        var sorted = ms.Order().ToArray();
        double P(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        var ratio = baseline is null ? "1.00 (baseline)" : (P(50) / Math.Max(0.1, baseline.Order().ElementAt(baseline.Count / 2))).ToString("F1", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {ms.Count} | {P(50):F1} | {P(90):F1} | {sorted[^1]:F1} | {ratio} |");
    }
}
