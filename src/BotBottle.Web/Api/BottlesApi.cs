using BotBottle.Core.Api;
using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Core.Events;
using BotBottle.Core.Colors;
using BotBottle.Core.Jobs;
using BotBottle.Core.Labels;
using BotBottle.Web.Agents;
using BotBottle.Web.Jobs;
using BotBottle.Queue.Events;
using BotBottle.Queue.Runs;
using BotBottle.Core.Runs;

namespace BotBottle.Web.Api;

/// <summary>
/// <c>/api</c>: list, launch and stop bottles and read job results, for the CLI and scripts.
/// Launches and stops go through the same job queue as the dashboard and webhooks.
/// </summary>
public static class BottlesApi
{
    public static IEndpointRouteBuilder MapBottlesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").WithTags("bottles");
        api.MapGet("/bottles", ListAsync)
            .WithSummary("The bottles that are up, oldest first; with state=recent the last runs (finished, failed, stopped), newest first")
            .Produces<IReadOnlyList<ActiveAgent>>()
            .Produces<IReadOnlyList<RunRecord>>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest);
        api.MapGet("/bottles/{slug}/runs", RunsAsync).WithSummary("A bottle's runs, newest first: outcome, answer, cost, tokens, turns, session");
        api.MapGet("/usage", UsageAsync)
            .WithSummary("Runs, cost and tokens from `from` to `to` (ISO dates; the last 30 days by default), by agent, pr, label or day")
            .Produces<IReadOnlyList<UsageRow>>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest);
        api.MapGet("/agents", AgentsAsync).WithSummary("The agent keys the Workers' manifests declare");
        api.MapPost("/bottles", LaunchAsync).WithSummary("Launch a bottle (label defaults to the agent key); with an Idempotency-Key header a repeated request answers with the job the first one queued");
        api.MapDelete("/bottles/{slug}", StopAsync).WithSummary("Stop a bottle; with purge=true delete its state directory too");
        api.MapGet("/jobs/{jobId}", JobAsync).WithSummary("A job's result: 200 when done, 202 while pending");
        api.MapPost("/bottles/{slug}/resume", ResumeAsync).WithSummary("Relaunch a bottle from its snapshot and continue a harness session (--resume)");
        api.MapGet("/events", EventsAsync)
            .WithSummary("Lifecycle and output events after a stream id, of one bottle, one job or all; the cursor always advances")
            .Produces<IReadOnlyList<EventEntry>>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest);
        return endpoints;
    }

    /// <summary>How many recent runs <c>GET /api/bottles?state=recent</c> returns at most.</summary>
    public const int RecentLimit = 50;

    private static async Task<IResult> ListAsync(string? state, int? limit, BottleList bottles, RunHistory history) => state switch
    {
        null or "" or "running" => Results.Ok(await bottles.RowsAsync()),
        "recent" => Results.Ok(await history.RecentAsync(Math.Clamp(limit ?? RecentLimit, 1, 1000))),
        _ => Results.BadRequest(new ApiError($"state '{state}' is not one of: running, recent")),
    };

    private static Task<IReadOnlyList<RunRecord>> RunsAsync(string slug, RunHistory history) => history.OfBottleAsync(slug);

    private static async Task<IResult> UsageAsync(string? from, string? to, string? groupBy, RunHistory history, TimeProvider clock)
    {
        if (!UsageReport.TryParseGrouping(groupBy, out var grouping))
        {
            return Results.BadRequest(new ApiError($"groupBy '{groupBy}' is not one of: agent, pr, label, day"));
        }

        var now = clock.GetUtcNow();
        if (!TryDate(from, now.AddDays(-30), out var start) || !TryDate(to, now, out var end))
        {
            return Results.BadRequest(new ApiError("from and to are dates or times in ISO 8601 (2026-12-01, 2026-12-01T09:00:00Z)"));
        }

        // A bare date as `to` means that whole day.
        if (to is { Length: 10 })
        {
            end = end.AddDays(1).AddTicks(-1);
        }

        return Results.Ok(UsageReport.Sum(await history.BetweenAsync(start, end), grouping));
    }

    private static bool TryDate(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        value = fallback;
        return string.IsNullOrEmpty(text)
            || DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out value);
    }

    private static Task<IReadOnlyList<string>> AgentsAsync(BottleList bottles) => bottles.AgentKeysAsync();

    /// <summary>The header a client sends so that retrying a launch whose answer it lost never starts a second bottle.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    private static async Task<IResult> LaunchAsync(LaunchRequest request, BottleList bottles, JobSubmitter jobs, HttpRequest http)
    {
        var idempotencyKey = http.Headers[IdempotencyHeader].ToString();
        if (idempotencyKey.Length > 200 || idempotencyKey.Any(c => c is < '!' or > '~'))
        {
            return Results.BadRequest(new ApiError($"the {IdempotencyHeader} header must be at most 200 printable ASCII characters without spaces"));
        }

        if (string.IsNullOrWhiteSpace(request.Agent))
        {
            return Results.BadRequest(new ApiError("an agent is required"));
        }

        var agents = await bottles.AgentKeysAsync();
        if (agents.Count > 0 && !agents.Contains(request.Agent, StringComparer.Ordinal))
        {
            return Results.NotFound(new ApiError($"unknown agent '{request.Agent}'", agents));
        }

        var label = LabelRules.Validate(request.Label, request.Agent);
        if (!label.IsValid)
        {
            return Results.BadRequest(new ApiError(label.Error!));
        }

        if (request.Backend is { Length: > 0 } backend)
        {
            if (!BackendNames.TryParse(backend, out _))
            {
                return Results.BadRequest(new ApiError($"unknown backend '{backend}'", BackendNames.All));
            }

            if ((await bottles.BackendsAsync()).Single(b => b.Name == backend).Unavailable is { } unavailable)
            {
                return Results.BadRequest(new ApiError($"the {backend} backend is not available: {unavailable}"));
            }
        }

        var color = AnsiColor.Parse(request.Color);
        var launch = request with { Label = label.Label, Color = color.Color };
        var job = idempotencyKey.Length > 0
            ? await jobs.LaunchOnceAsync(launch, "api", idempotencyKey)
            : await jobs.LaunchAsync(launch, "api");
        return Results.Accepted($"/api/jobs/{job.JobId}", new QueuedJob(job.JobId, null, job.Label, job.Color, color.Warning is { } warning ? [warning] : []));
    }

    private static async Task<IResult> StopAsync(string slug, bool? purge, BottleList bottles, JobSubmitter jobs)
    {
        if (!await bottles.IsUpAsync(slug) && purge != true)
        {
            return Results.NotFound(new ApiError($"no bottle '{slug}' is up"));
        }

        var job = await jobs.StopAsync(slug, purge == true, "api");
        return Results.Accepted($"/api/jobs/{job.JobId}", new QueuedJob(job.JobId, slug));
    }

    private static async Task<IResult> ResumeAsync(string slug, ResumeRequest request, JobSubmitter jobs)
    {
        if (!BotBottle.Core.State.Slug.IsValid(slug))
        {
            return Results.BadRequest(new ApiError($"'{slug}' is not a bottle slug"));
        }

        if (!BotBottle.Core.Harnesses.SessionIds.IsWellFormed(request.SessionId) || string.IsNullOrWhiteSpace(request.Task))
        {
            return Results.BadRequest(new ApiError("a resume needs a well-formed session id and a task"));
        }

        var job = await jobs.EnqueueAsync(new BottleJob { JobId = BottleJob.NewJobId(), Kind = JobKind.Resume, Slug = slug, SessionId = request.SessionId, Task = request.Task, RequestedBy = "api" });
        return Results.Accepted($"/api/jobs/{job.JobId}", new QueuedJob(job.JobId, slug));
    }

    private static async Task<IResult> EventsAsync(EventLog log, string? after, string? slug, string? job, int? limit)
    {
        var cursor = after is { Length: > 0 } ? after : null;
        if (cursor is not null && !EventLog.IsCursor(cursor))
        {
            return Results.BadRequest(new ApiError($"'{after}' is not an event cursor; pass the id of the last event you read"));
        }

        return Results.Ok(await log.ReadAsync(cursor, slug is { Length: > 0 } ? slug : null, job is { Length: > 0 } ? job : null, limit ?? 500));
    }

    private static async Task<IResult> JobAsync(string jobId, JobSubmitter jobs) =>
        await jobs.ResultAsync(jobId) is { } result ? Results.Ok(result) : Results.Accepted($"/api/jobs/{jobId}", new QueuedJob(jobId));
}
