using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BotBottle.Core.Jobs;
using BotBottle.Core.Webhooks;
using BotBottle.Testing;

namespace BotBottle.Bench.Webhooks;

/// <summary>
/// Open-loop load on the webhook endpoint of a running Web (real Redis behind it): signed Gitea
/// deliveries at a fixed rate, some of them repeated, against the same rate of /alive requests as
/// the baseline. Then checks that every distinct delivery was queued exactly once and none was lost.
/// </summary>
public sealed class WebhookLoadBench(int rate, TimeSpan duration, double duplicateShare, string dataRoot, TextWriter log)
{
    private const string Secret = "bench-webhook-secret";

    public async Task<string> RunAsync()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var web = ServiceProcess.Start("BotBottle.Web.dll", new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["BotBottle__Webhooks__Gitea__Secret"] = Secret,
            ["BotBottle__Webhooks__Gitea__Repositories__0"] = "acme/widgets",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await web.WaitUntilAliveAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = web.Url };

        var deliveries = Deliveries((int)(rate * duration.TotalSeconds) + 400);
        log.WriteLine($"warming up ({rate}/s for 2 s)");
        await LoadAsync(http, rate, TimeSpan.FromSeconds(2), _ => Alive());
        var warm = deliveries.Take(200).ToArray();
        await LoadAsync(http, rate, TimeSpan.FromSeconds(0.4), i => warm[i % warm.Length].Request());

        log.WriteLine($"baseline: GET /alive at {rate}/s for {duration.TotalSeconds:F0} s");
        var baseline = await LoadAsync(http, rate, duration, _ => Alive());
        log.WriteLine($"webhooks: POST /webhooks/gitea at {rate}/s for {duration.TotalSeconds:F0} s, {duplicateShare:P0} repeats");
        var measured = deliveries.Skip(200).ToArray();
        var load = await LoadAsync(http, rate, duration, i => measured[i].Request());

        var sent = measured.Take(load.Count).ToArray();
        // Repeats may point back into the warm-up; count distinct deliveries over both.
        var distinct = sent.Concat(warm).Select(d => d.DeliveryId).Distinct(StringComparer.Ordinal).Count();
        var queued = await QueuedDeliveryIdsAsync(redis);
        var queuedOnce = queued.GroupBy(id => id, StringComparer.Ordinal).All(g => g.Count() == 1);
        var expected = sent.Concat(warm).Select(d => d.DeliveryId).ToHashSet(StringComparer.Ordinal);
        var lost = expected.Count(id => !queued.Contains(id));

        return string.Join('\n',
        [
            $"{rate}/s for {duration.TotalSeconds:F0} s on loopback; the Web and Redis run on the same 2 cores as the load generator",
            "",
            "| request | n | p50 ms | p99 ms | max ms | non-2xx | p99 ratio to baseline |",
            "|---|---|---|---|---|---|---|",
            baseline.Row("GET /alive (baseline)", null),
            load.Row("POST /webhooks/gitea (signed, 10% repeats)", baseline),
            "",
            string.Create(CultureInfo.InvariantCulture, $"achieved rate {load.AchievedRate:F0}/s; deliveries sent {sent.Length + warm.Length} ({distinct} distinct); queued {queued.Count}; lost {lost}; every distinct delivery queued exactly once: {(queuedOnce && queued.Count == distinct ? "yes" : "NO")}; answers: {load.StatusSummary}"),
        ]);
    }

    private static HttpRequestMessage Alive() => new(HttpMethod.Get, "/alive");

    /// <summary>Opened-PR deliveries for distinct PRs; every tenth repeats an earlier delivery as Gitea's redelivery does.</summary>
    private List<Delivery> Deliveries(int count)
    {
        var template = JsonNode.Parse(File.ReadAllBytes(Path.Combine(dataRoot, "captures", "pull_request__opened.json")))!;
        template["repository"]!["full_name"] = "acme/widgets";
        var list = new List<Delivery>(count);
        var random = new Random(49);
        for (var i = 0; i < count; i++)
        {
            if (i > 20 && random.NextDouble() < duplicateShare)
            {
                list.Add(list[random.Next(i - 20, i)]);
                continue;
            }

            template["number"] = i + 1;
            template["pull_request"]!["number"] = i + 1;
            template["pull_request"]!["head"]!["sha"] = Convert.ToHexStringLower(BitConverter.GetBytes((long)i)).PadLeft(40, '0');
            var body = Encoding.UTF8.GetBytes(template.ToJsonString());
            list.Add(new Delivery(body, WebhookSignature.Compute(body, Secret), Guid.NewGuid().ToString()));
        }

        return list;
    }

    private static async Task<LoadResult> LoadAsync(HttpClient http, int rate, TimeSpan duration, Func<int, HttpRequestMessage> request)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var statuses = new ConcurrentDictionary<int, int>();
        var inFlight = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var index = i;
            inFlight.Add(SendAsync(http, request(index), latencies, index, statuses));
        }

        var sendingTook = clock.Elapsed;
        await Task.WhenAll(inFlight);
        return new LoadResult(latencies, statuses, total / sendingTook.TotalSeconds);
    }

    private static async Task SendAsync(HttpClient http, HttpRequestMessage request, double[] latencies, int index, ConcurrentDictionary<int, int> statuses)
    {
        var watch = Stopwatch.StartNew();
        using (request)
        using (var response = await http.SendAsync(request))
        {
            await response.Content.LoadIntoBufferAsync();
            latencies[index] = watch.Elapsed.TotalMilliseconds;
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
        }
    }

    private static async Task<List<string>> QueuedDeliveryIdsAsync(RedisServer redis)
    {
        var entries = await redis.Connection.GetDatabase().StreamRangeAsync(QueueNames.JobStream);
        return [.. entries.Select(e => BotBottleJson.Deserialize<BottleJob>(e[QueueNames.PayloadField]!).PullRequest!.DeliveryId)];
    }

    private sealed record Delivery(byte[] Body, string Signature, string DeliveryId)
    {
        public HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitea") { Content = new ByteArrayContent(Body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Gitea-Delivery", DeliveryId);
            request.Headers.Add("X-Gitea-Event", "pull_request");
            request.Headers.Add("X-Gitea-Event-Type", "pull_request");
            request.Headers.Add("X-Gitea-Signature", Signature);
            return request;
        }
    }

    private sealed record LoadResult(double[] Latencies, ConcurrentDictionary<int, int> Statuses, double AchievedRate)
    {
        public int Count => Latencies.Length;

        public double Percentile(double p)
        {
            var sorted = Latencies.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }

        public string StatusSummary => string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));

        public string Row(string name, LoadResult? baseline)
        {
            var failures = Statuses.Where(s => s.Key >= 300).Sum(s => s.Value);
            var ratio = baseline is null ? "1.00 (baseline)" : (Percentile(99) / baseline.Percentile(99)).ToString("F2", CultureInfo.InvariantCulture);
            return string.Create(CultureInfo.InvariantCulture, $"| {name} | {Count} | {Percentile(50):F2} | {Percentile(99):F2} | {Latencies.Max():F2} | {failures} | {ratio} |");
        }
    }
}
