using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BotBottle.Core.Api;
using BotBottle.Core.Jobs;

namespace BotBottle.Bench.Drills;

/// <summary>
/// Restart the Web during 50 concurrent launches through the API, each client retrying with its
/// Idempotency-Key until it is answered: every acknowledged launch runs, none runs twice, and a
/// client that gave up says so.
/// </summary>
public static class WebRestartDrill
{
    public static async Task<DrillResult> RunAsync(TextWriter log)
    {
        await using var stack = await DrillRig.StartAsync(log);
        stack.Model.Delay = _ => TimeSpan.FromMilliseconds(500);
        var workers = new[] { stack.StartWorker(TimeSpan.FromSeconds(10), slots: 3), stack.StartWorker(TimeSpan.FromSeconds(10), slots: 3) };
        var web = stack.StartWeb();
        await Task.WhenAll(workers.Append(web).Select(s => s.WaitUntilAliveAsync(TimeSpan.FromSeconds(60))));
        var url = web.Url;

        using var api = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DrillRig.ApiToken);
        var acknowledged = new ConcurrentDictionary<string, string>();
        var gaveUp = 0;
        var clients = Enumerable.Range(0, 50).Select(async i =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(i * 60));
            var key = $"drill-{i}-{Guid.NewGuid():N}";
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bottles") { Content = JsonContent.Create(new LaunchRequest("claude", $"web-{i}", null, $"drill task web-{i}")) };
                    request.Headers.Add("Idempotency-Key", key);
                    using var response = await api.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        acknowledged[key] = (await response.Content.ReadFromJsonAsync<QueuedJob>(BotBottleJson.Options))!.JobId;
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // The Web is down or did not answer: the same request again, same key.
                }

                await Task.Delay(500);
            }

            Interlocked.Increment(ref gaveUp);
        }).ToList();

        await Task.Delay(TimeSpan.FromMilliseconds(25 * 60));
        var fault = Stopwatch.StartNew();
        await web.KillAsync();
        log.WriteLine("drill web-restart: Web killed in the middle of the launches");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var restarted = stack.StartWeb(url);
        await restarted.WaitUntilAliveAsync(TimeSpan.FromSeconds(60));
        var answeringAgain = fault.Elapsed;
        await Task.WhenAll(clients);

        var jobs = acknowledged.Values.Distinct(StringComparer.Ordinal).ToList();
        var results = await stack.WaitForResultsAsync(jobs, TimeSpan.FromMinutes(8));
        var queued = (await stack.Redis.Connection.GetDatabase().StreamRangeAsync(QueueNames.JobStream))
            .Select(e => BotBottleJson.Deserialize<BottleJob>(e[QueueNames.PayloadField]!))
            .Count(j => j.RequestedBy == "api");
        var twice = queued - jobs.Count + await stack.RanTwiceAsync(jobs);
        return new DrillResult("Restart the Web during 50 concurrent launches", 50, results.Count, twice, jobs.Count - results.Count, answeringAgain,
            string.Join("; ",
                DrillResult.Check("every launch acknowledged or its client told", acknowledged.Count + gaveUp == 50, $"{acknowledged.Count} acknowledged, {gaveUp} gave up"),
                DrillResult.Check("one job per acknowledged launch", queued == jobs.Count && jobs.Count == acknowledged.Count, $"{queued} queued for {acknowledged.Count} launches")));
    }
}
