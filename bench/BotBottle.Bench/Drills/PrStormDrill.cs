using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;
using BotBottle.Core.Webhooks;

namespace BotBottle.Bench.Drills;

/// <summary>
/// 40 signed webhook deliveries for one PR, in a random order, from 4 concurrent senders: one agent
/// at a time for that PR (measured from the bottles' own start and stop), as many registry turns and
/// comments as accepted events.
/// </summary>
public static class PrStormDrill
{
    private const int Events = 40;

    public static async Task<DrillResult> RunAsync(TextWriter log, string dataRoot)
    {
        await using var stack = await DrillRig.StartAsync(log);
        stack.Model.Delay = _ => TimeSpan.FromMilliseconds(300);
        var workers = new[] { stack.StartWorker(TimeSpan.FromSeconds(10)), stack.StartWorker(TimeSpan.FromSeconds(10)) };
        var web = stack.StartWeb();
        await Task.WhenAll(workers.Append(web).Select(s => s.WaitUntilAliveAsync(TimeSpan.FromSeconds(60))));

        var deliveries = Deliveries(dataRoot).OrderBy(_ => Random.Shared.Next()).ToList();
        using var http = new HttpClient { BaseAddress = web.Url };
        var accepted = 0;
        var started = Stopwatch.StartNew();
        await Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (delivery, ct) =>
        {
            using var response = await http.SendAsync(delivery(), ct);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref accepted);
            }
        });
        log.WriteLine($"drill pr-storm: {accepted} of {Events} deliveries accepted");

        var jobs = (await stack.Redis.Connection.GetDatabase().StreamRangeAsync(QueueNames.JobStream))
            .Select(e => BotBottleJson.Deserialize<BottleJob>(e[QueueNames.PayloadField]!))
            .Where(j => j.Kind == JobKind.PullRequest)
            .Select(j => j.JobId)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var results = await stack.WaitForResultsAsync(jobs, TimeSpan.FromMinutes(12));
        var took = started.Elapsed;
        var registry = await new Worker.PullRequests.PrSessionRegistry(stack.Redis.Connection).GetAsync(PrSession.KeyOf(DrillRig.Repository, 7));
        var comments = stack.Gitea.CommentsOn(DrillRig.Repository, 7);
        var overlap = await MostAtOnceAsync(stack, jobs);
        var failed = results.Values.Count(r => r.Outcome != JobOutcome.Succeeded);
        return new DrillResult($"{Events} events for one PR, random order, 4 senders", accepted, results.Count, await stack.RanTwiceAsync(jobs), accepted - results.Count, took,
            string.Join("; ",
                DrillResult.Check("one agent at a time", overlap == 1, $"{overlap} at once"),
                // The agents' own view: each model request is held 300 ms, so two agents of the PR
                // running at once would have had requests in flight together at the model server.
                DrillResult.Check("one model request at a time", stack.Model.MaxInFlight == 1, $"{stack.Model.MaxInFlight} at once at the model server"),
                DrillResult.Check("registry turns = accepted events", registry?.Turns == accepted, $"{registry?.Turns} turns"),
                DrillResult.Check("one comment per accepted event", comments.Count == accepted, $"{comments.Count} comments"),
                DrillResult.Check("every run succeeded", failed == 0, $"{failed} failed")));
    }

    /// <summary>The most bottles of these jobs that were up at the same moment, from their running and removed events.</summary>
    private static async Task<int> MostAtOnceAsync(DrillRig stack, IEnumerable<string> jobs)
    {
        var edges = new List<(DateTimeOffset At, int Delta)>();
        foreach (var job in jobs)
        {
            var events = await stack.EventsOfAsync(job);
            foreach (var e in events.Where(e => e.Kind is BottleEventKind.Running or BottleEventKind.Removed))
            {
                edges.Add((e.At, e.Kind == BottleEventKind.Running ? 1 : -1));
            }
        }

        var most = 0;
        var now = 0;
        foreach (var (_, delta) in edges.OrderBy(e => e.At).ThenBy(e => e.Delta))
        {
            now += delta;
            most = Math.Max(most, now);
        }

        return most;
    }

    /// <summary>PR comments mentioning the bot (a Gitea capture, made distinct per event), signed as Gitea signs them.</summary>
    private static IEnumerable<Func<HttpRequestMessage>> Deliveries(string dataRoot)
    {
        var template = JsonNode.Parse(File.ReadAllBytes(Path.Combine(dataRoot, "captures", "issue_comment__created_on_pr.json")))!.AsObject();
        template.Remove("pull_request");
        template["repository"]!["full_name"] = DrillRig.Repository;
        template["issue"]!["number"] = 7;
        template["sender"]!["login"] = "alice";
        for (var i = 0; i < Events; i++)
        {
            template["comment"]!["id"] = 500_000 + i;
            template["comment"]!["body"] = $"@botbottle look at item {i}";
            var body = Encoding.UTF8.GetBytes(template.ToJsonString());
            var signature = WebhookSignature.Compute(body, DrillRig.WebhookSecret);
            var id = Guid.NewGuid().ToString();
            yield return () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitea") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                request.Headers.Add("X-Gitea-Delivery", id);
                request.Headers.Add("X-Gitea-Event", "issue_comment");
                request.Headers.Add("X-Gitea-Event-Type", "pull_request_comment");
                request.Headers.Add("X-Gitea-Signature", signature);
                return request;
            };
        }
    }
}
