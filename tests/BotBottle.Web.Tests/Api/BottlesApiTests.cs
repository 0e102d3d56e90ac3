using BotBottle.Core.Api;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BotBottle.Core.Bottles;
using BotBottle.Core.Jobs;
using BotBottle.Core.Events;
using BotBottle.Queue.Events;
using BotBottle.Web.Tests.Webhooks;

namespace BotBottle.Web.Tests.Api;

/// <summary>The REST API of a running Web over a real Redis, playing the Worker's side by hand (rows, agents, results).</summary>
public sealed class BottlesApiTests(RunningWeb web) : IClassFixture<RunningWeb>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await web.ResetAsync();
        await web.Redis.Connection.GetDatabase().SetAddAsync(QueueNames.Agents, ["claude", "reviewer"]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task Api_refuses_callers_without_the_token(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/bottles");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await web.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Health_stays_open_to_anonymous_probes()
    {
        using var response = await web.Http.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task List_returns_the_bottles_the_workers_keep_with_label_and_colour()
    {
        var row = new ActiveAgent("docker", "a3f9", "claude", DateTimeOffset.Parse("2026-11-25T14:02:11Z", System.Globalization.CultureInfo.InvariantCulture), ["egress"], "api refactor", "bright-magenta");
        await web.Redis.Connection.GetDatabase().HashSetAsync(QueueNames.Bottles, row.Slug, BotBottleJson.Serialize(row));

        var rows = await SendAsync<List<ActiveAgent>>(HttpMethod.Get, "/api/bottles");

        var listed = Assert.Single(rows);
        Assert.Equal(("a3f9", "api refactor", "bright-magenta", "claude"), (listed.Slug, listed.Label, listed.Color, listed.AgentName));
    }

    [Fact]
    public async Task Launch_queues_a_job_with_the_label_and_colour()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/bottles", new LaunchRequest("claude", "payments bug", "BRIGHT-Magenta"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<QueuedJob>())!;
        var job = Assert.Single(await web.QueuedJobsAsync());
        Assert.Equal((queued.JobId, JobKind.Launch, "claude", "payments bug", "bright-magenta"), (job.JobId, job.Kind, job.AgentName, job.Label, job.Color));
        Assert.Equal($"/api/jobs/{queued.JobId}", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Launch_with_a_task_queues_a_run()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/bottles", new LaunchRequest("claude", Task: "fix the flaky test"));

        var job = Assert.Single(await web.QueuedJobsAsync());
        Assert.Equal((JobKind.Run, "fix the flaky test", "claude"), (job.Kind, job.Task, job.Label));
    }

    [Theory]
    [InlineData("gvisor", null, HttpStatusCode.Accepted, null)]
    [InlineData("docker", null, HttpStatusCode.Accepted, null)]
    [InlineData("gvisor", "the Docker engine has no 'runsc' runtime registered", HttpStatusCode.BadRequest, "the gvisor backend is not available: the Docker engine has no 'runsc' runtime registered")]
    [InlineData("firecracker", null, HttpStatusCode.BadRequest, "unknown backend 'firecracker'")]
    public async Task A_launch_names_its_backend_which_must_be_one_a_Worker_offers(string backend, string? workersSay, HttpStatusCode status, string? error)
    {
        await web.Redis.Connection.GetDatabase().HashSetAsync(QueueNames.Backends, [new("docker", ""), new("gvisor", workersSay ?? "")]);

        using var response = await SendAsync(HttpMethod.Post, "/api/bottles", new LaunchRequest("claude", Backend: backend));

        Assert.Equal(status, response.StatusCode);
        if (error is null)
        {
            Assert.Equal(backend, Assert.Single(await web.QueuedJobsAsync()).Backend);
        }
        else
        {
            Assert.Equal(error, (await response.Content.ReadFromJsonAsync<ApiError>())!.Error);
            Assert.Empty(await web.QueuedJobsAsync());
        }
    }

    [Fact]
    public async Task A_launch_repeated_with_its_idempotency_key_is_queued_once_and_answered_with_the_same_job()
    {
        using var first = await SendAsync(HttpMethod.Post, "/api/bottles", new LaunchRequest("claude", Task: "once"), "retry-7f3c");
        using var repeat = await SendAsync(HttpMethod.Post, "/api/bottles", new LaunchRequest("claude", Task: "once"), "retry-7f3c");
        using var other = await SendAsync(HttpMethod.Post, "/api/bottles", new LaunchRequest("claude", Task: "once"), "another-key");

        var ids = new List<string>();
        foreach (var response in new[] { first, repeat, other })
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<QueuedJob>(BotBottleJson.Options))!.JobId);
        }

        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(ids[0], ids[2]);
        Assert.Equal(2, (await web.QueuedJobsAsync()).Count);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\there")]
    public async Task An_idempotency_key_that_is_not_printable_ascii_is_refused(string key)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/bottles", new LaunchRequest("claude"), key.Replace("\\t", "\t", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await web.QueuedJobsAsync());
    }

    [Fact]
    public async Task Blank_label_defaults_to_the_agent_key()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/bottles", new LaunchRequest("reviewer", "   "));

        Assert.Equal("reviewer", (await response.Content.ReadFromJsonAsync<QueuedJob>())!.Label);
    }

    [Fact]
    public async Task Label_over_64_bytes_is_refused_with_the_reason_and_nothing_is_queued()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/bottles", new LaunchRequest("claude", new string('€', 22)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("64", (await response.Content.ReadFromJsonAsync<ApiError>())!.Error, StringComparison.Ordinal);
        Assert.Empty(await web.QueuedJobsAsync());
    }

    [Fact]
    public async Task Unknown_colour_is_ignored_with_a_warning()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/bottles", new LaunchRequest("claude", Color: "purple"));

        var queued = (await response.Content.ReadFromJsonAsync<QueuedJob>())!;
        Assert.Equal("", queued.Color);
        Assert.Contains("purple", Assert.Single(queued.Warnings!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_agent_is_refused_naming_the_known_ones()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/bottles", new LaunchRequest("implementer"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(["claude", "reviewer"], (await response.Content.ReadFromJsonAsync<ApiError>())!.Known);
        Assert.Empty(await web.QueuedJobsAsync());
    }

    [Fact]
    public async Task Stopping_an_unknown_slug_says_so()
    {
        using var response = await SendAsync(HttpMethod.Delete, "/api/bottles/f00d");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("f00d", (await response.Content.ReadFromJsonAsync<ApiError>())!.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_a_listed_bottle_queues_its_teardown()
    {
        var row = new ActiveAgent("docker", "b81c", "claude", DateTimeOffset.UtcNow, []);
        await web.Redis.Connection.GetDatabase().HashSetAsync(QueueNames.Bottles, row.Slug, BotBottleJson.Serialize(row));

        using var response = await SendAsync(HttpMethod.Delete, "/api/bottles/b81c?purge=true");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = Assert.Single(await web.QueuedJobsAsync());
        Assert.Equal((JobKind.Teardown, "b81c", true), (job.Kind, job.Slug, job.Purge));
    }

    [Fact]
    public async Task Job_result_is_pending_until_a_worker_stores_it()
    {
        using var pending = await SendAsync(HttpMethod.Get, "/api/jobs/j1");
        await web.Redis.Connection.GetDatabase().StringSetAsync(QueueNames.ResultKey("j1"),
            BotBottleJson.Serialize(new JobResult { JobId = "j1", Outcome = JobOutcome.Succeeded, Slug = "a3f9" }));
        using var done = await SendAsync(HttpMethod.Get, "/api/jobs/j1");

        Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("a3f9", (await done.Content.ReadFromJsonAsync<JobResult>(BotBottleJson.Options))!.Slug);
    }

    [Theory]
    [InlineData("job")]
    [InlineData("slug")]
    public async Task Events_of_one_job_or_bottle_are_found_behind_ten_thousand_others_and_the_cursor_advances(string filter)
    {
        // What the Workers write: a stream full of other bottles' output, then this job's events.
        var log = new EventLog(web.Redis.Connection);
        var at = DateTimeOffset.UtcNow;
        // In batches, as Workers write: ten thousand scripts queued at once outlast the client's timeout on a slow machine.
        foreach (var batch in Enumerable.Range(0, 10_000).Chunk(200))
        {
            await Task.WhenAll(batch.Select(i => log.AppendAsync(new BottleEvent(BottleEventKind.Output, "b0b0", "other-job", at, $"noise {i}"))));
        }
        foreach (var message in new[] { "starting", "line one", "line two" })
        {
            await log.AppendAsync(new BottleEvent(BottleEventKind.Output, "a3f9", "the-job", at, message));
        }

        var query = filter == "job" ? "job=the-job" : "slug=a3f9";
        var first = await SendAsync<List<EventEntry>>(HttpMethod.Get, $"/api/events?{query}&limit=2");
        var rest = await SendAsync<List<EventEntry>>(HttpMethod.Get, $"/api/events?{query}&after={first[^1].Id}");
        var none = await SendAsync<List<EventEntry>>(HttpMethod.Get, $"/api/events?{query}&after={rest[^1].Id}");
        await log.AppendAsync(new BottleEvent(BottleEventKind.Finished, "a3f9", "the-job", at, "done"));
        var later = await SendAsync<List<EventEntry>>(HttpMethod.Get, $"/api/events?{query}&after={rest[^1].Id}");

        Assert.Equal(["starting", "line one"], first.Select(e => e.Event.Message));
        Assert.Equal(["line two"], rest.Select(e => e.Event.Message));
        Assert.Empty(none);
        Assert.Equal(["done"], later.Select(e => e.Event.Message));
    }

    [Fact]
    public async Task An_event_cursor_that_is_not_a_stream_id_is_refused_with_the_reason()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/events?after=yesterday");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cursor", (await response.Content.ReadFromJsonAsync<ApiError>())!.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAPI_document_describes_the_api_to_signed_in_callers_only()
    {
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = web.Web.Url };
        using var anonymous = await noRedirects.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var response = await SendAsync(HttpMethod.Get, "/openapi/v1.json");
        var document = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/signin", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        Assert.Contains("/api/bottles", document, StringComparison.Ordinal);
        Assert.Contains("/api/jobs/{jobId}", document, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RunningWeb.ApiToken);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await web.Http.SendAsync(request);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path)
    {
        using var response = await SendAsync(method, path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>(BotBottleJson.Options))!;
    }
}
