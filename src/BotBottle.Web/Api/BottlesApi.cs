using BotBottle.Core.Bottles;
using BotBottle.Core.Colors;
using BotBottle.Core.Jobs;
using BotBottle.Core.Labels;
using BotBottle.Web.Agents;
using BotBottle.Web.Jobs;
using StackExchange.Redis;

namespace BotBottle.Web.Api;

/// <summary>A launch as the API takes it; only the agent is required.</summary>
public sealed record LaunchRequest(string Agent, string? Label = null, string? Color = null, string? Task = null);

/// <summary>What a launch or stop answers: the queued job, and what was made of the input.</summary>
public sealed record QueuedJob(string JobId, string? Slug = null, string? Label = null, string? Color = null, IReadOnlyList<string>? Warnings = null);

public sealed record ApiError(string Error, IReadOnlyList<string>? Known = null);

/// <summary>Continue a bottle's harness session with a new task.</summary>
public sealed record ResumeRequest(string SessionId, string Task);

/// <summary>An event with its stream id, so a follower can ask for what came after it.</summary>
public sealed record EventEntry(string Id, BotBottle.Core.Events.BottleEvent Event);

/// <summary>
/// <c>/api</c>: list, launch and stop bottles and read job results, for the CLI and scripts.
/// Launches and stops go through the same job queue as the dashboard and webhooks.
/// </summary>
public static class BottlesApi
{
    public static IEndpointRouteBuilder MapBottlesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").WithTags("bottles");
        api.MapGet("/bottles", ListAsync).WithSummary("The bottles that are up, oldest first");
        api.MapGet("/agents", AgentsAsync).WithSummary("The agent keys the Workers' manifests declare");
        api.MapPost("/bottles", LaunchAsync).WithSummary("Launch a bottle (label defaults to the agent key)");
        api.MapDelete("/bottles/{slug}", StopAsync).WithSummary("Stop a bottle; with purge=true delete its state directory too");
        api.MapGet("/jobs/{jobId}", JobAsync).WithSummary("A job's result: 200 when done, 202 while pending");
        api.MapPost("/bottles/{slug}/resume", ResumeAsync).WithSummary("Relaunch a bottle from its snapshot and continue a harness session (--resume)");
        api.MapGet("/events", EventsAsync).WithSummary("Lifecycle and output events after a stream id, optionally of one bottle or job");
        return endpoints;
    }

    private static Task<IReadOnlyList<ActiveAgent>> ListAsync(BottleList bottles) => bottles.RowsAsync();

    private static Task<IReadOnlyList<string>> AgentsAsync(BottleList bottles) => bottles.AgentKeysAsync();

    private static async Task<IResult> LaunchAsync(LaunchRequest request, BottleList bottles, JobSubmitter jobs)
    {
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

        var color = AnsiColor.Parse(request.Color);
        var job = await jobs.LaunchAsync(request.Agent, label.Label, color.Color, request.Task, "api");
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

    private static async Task<IReadOnlyList<EventEntry>> EventsAsync(IConnectionMultiplexer redis, string? after, string? slug, string? job, int? limit)
    {
        var entries = await redis.GetDatabase().StreamRangeAsync(QueueNames.EventStream, minId: after is { Length: > 0 } ? $"({after}" : "-", count: Math.Clamp(limit ?? 500, 1, 5000));
        return [.. entries
            .Select(e => new EventEntry(e.Id!, BotBottleJson.Deserialize<BotBottle.Core.Events.BottleEvent>(e[QueueNames.PayloadField]!)))
            .Where(e => (slug is null || e.Event.Slug == slug) && (job is null || e.Event.JobId == job))];
    }

    private static async Task<IResult> JobAsync(string jobId, JobSubmitter jobs) =>
        await jobs.ResultAsync(jobId) is { } result ? Results.Ok(result) : Results.Accepted($"/api/jobs/{jobId}", new QueuedJob(jobId));
}
