using BotBottle.Core.Bottles;
using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;
using Microsoft.Extensions.Options;
using BotBottle.Core.Jobs;
using BotBottle.Core.Runs;
using BotBottle.Core.State;

namespace BotBottle.Worker.Jobs;

/// <summary>
/// What a finished job adds to the run history: runs and resumes (with what the harness reported),
/// a PR's turns that ran the agent, failed launches, and stopped bottles. Nothing for a successful
/// launch (the bottle is still up) or for PR events that ran nothing (refused, waiting for approval).
/// </summary>
public sealed class RunRecords(BottleStateStore state, Manifests.ManifestSource manifests, IOptions<RunPricing> pricing)
{
    /// <summary>The bottle's metadata now, for jobs that name a bottle (read before a teardown removes it).</summary>
    public BottleMetadata? Before(BottleJob job) =>
        job.Slug is { Length: > 0 } slug && Core.State.Slug.IsValid(slug) ? state.TryReadMetadata(slug) : null;

    public RunRecord? For(BottleJob job, JobResult result, DateTimeOffset startedAt, BottleMetadata? before)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(result);
        var slug = result.Slug ?? job.Slug ?? "";
        var harness = result.Harness;
        var failed = result.Outcome == JobOutcome.Failed;
        var outcome = (job.Kind, failed) switch
        {
            (_, true) => RunState.Failed,
            (JobKind.Teardown, _) => RunState.Stopped,
            _ => RunState.Succeeded,
        };
        var recorded = job.Kind switch
        {
            JobKind.Launch => failed,
            JobKind.PullRequest => harness is not null || failed,
            _ => true,
        };
        if (!recorded)
        {
            return null;
        }

        var metadata = before ?? (slug.Length > 0 && Core.State.Slug.IsValid(slug) ? state.TryReadMetadata(slug) : null);
        var agentKey = metadata?.AgentName ?? job.AgentName ?? job.PullRequest?.Agent ?? "";
        var estimated = harness is { CostUsd: null, Usage: { } usage } ? Estimate(agentKey, usage) : null;
        return new RunRecord
        {
            JobId = job.JobId,
            Slug = slug,
            Agent = agentKey,
            Label = metadata?.Label ?? job.Label,
            Color = metadata?.Color ?? job.Color,
            Kind = KindOf(job.Kind),
            Outcome = outcome,
            StartedAt = startedAt,
            FinishedAt = result.FinishedAt,
            Answer = harness?.ResultText ?? "",
            Error = failed ? FailureOf(result) : null,
            SessionId = harness?.SessionId,
            CostUsd = harness?.CostUsd ?? estimated,
            CostEstimated = estimated is not null,
            Usage = harness?.Usage,
            Turns = harness?.Turns,
            PermissionDenials = harness?.PermissionDenials,
            BudgetNote = harness?.BudgetNote,
            PullRequest = job.PullRequest?.Key,
            RequestedBy = job.RequestedBy,
        };
    }

    /// <summary>The cost of a run whose harness reported tokens but no cost, from the configured prices; null without one.</summary>
    private decimal? Estimate(string agentKey, HarnessUsage usage)
    {
        AgentDefinition? agent;
        try
        {
            agent = manifests.Load().Find(agentKey);
        }
        catch (ManifestException)
        {
            return null;
        }

        return agent is not null && TokenPrice.For(pricing.Value.Prices, agent.Model?.Name, agent.Harness.ToString().ToLowerInvariant()) is { } price
            ? price.CostOf(usage)
            : null;
    }

    private static string FailureOf(JobResult result) =>
        result.Harness is { Succeeded: false } harness && harness.ResultText.Length > 0
            ? $"{result.Error}: {harness.ResultText}"
            : result.Error ?? "failed";

    private static string KindOf(JobKind kind) => kind switch
    {
        JobKind.PullRequest => "pull-request",
        _ => kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// <c>BotBottle:Prices:&lt;model or harness&gt;</c>: USD per million input, output, cache-read and
/// cache-write tokens, for runs whose harness reports tokens but no cost (Codex; OpenCode on local models).
/// </summary>
public sealed class RunPricing
{
    public const string Section = "BotBottle:Prices";

    public Dictionary<string, TokenPrice> Prices { get; } = new(StringComparer.OrdinalIgnoreCase);
}
