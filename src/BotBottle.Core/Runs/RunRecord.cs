using BotBottle.Core.Harnesses;

namespace BotBottle.Core.Runs;

/// <summary>How a bottle's job ended, as the Recent table and the run summaries show it.</summary>
public enum RunState
{
    /// <summary>The agent finished its task.</summary>
    Succeeded,

    /// <summary>The agent, its launch or its run failed; <see cref="RunRecord.Error"/> says why.</summary>
    Failed,

    /// <summary>A bottle that was launched to stay up was stopped.</summary>
    Stopped,
}

/// <summary>
/// One finished job of a bottle: a run or resume (with what the harness reported: answer, session,
/// cost, tokens, turns), a failed launch (with the reason), or a stopped bottle. Written by the
/// Worker in the same atomic step as the job's result, so a job is recorded once; read by the
/// dashboard's Recent table, the agent's page, the API, the CLI and the usage totals.
/// </summary>
public sealed record RunRecord
{
    public required string JobId { get; init; }

    /// <summary>The bottle, when one was created.</summary>
    public string Slug { get; init; } = "";

    public required string Agent { get; init; }

    public string Label { get; init; } = "";

    public string Color { get; init; } = "";

    /// <summary>"launch", "run", "resume", "pull-request" or "teardown".</summary>
    public required string Kind { get; init; }

    public required RunState Outcome { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>The agent's answer (whole), or the failure's reason.</summary>
    public string Answer { get; init; } = "";

    public string? Error { get; init; }

    public string? SessionId { get; init; }

    public decimal? CostUsd { get; init; }

    /// <summary>The cost was not reported by the harness but priced from its tokens (<see cref="TokenPrice"/>).</summary>
    public bool CostEstimated { get; init; }

    public HarnessUsage? Usage { get; init; }

    /// <summary>The model's turns in the run, when the harness reports them.</summary>
    public int? Turns { get; init; }

    /// <summary>Tool uses the harness refused, when it reports them.</summary>
    public int? PermissionDenials { get; init; }

    /// <summary>Set when the run cost more than its agent's per-run budget.</summary>
    public string? BudgetNote { get; init; }

    /// <summary>"owner/repo#12" for a pull request's run.</summary>
    public string? PullRequest { get; init; }

    /// <summary>Who asked: "dashboard:erin", "api", "webhook:owner/repo#12".</summary>
    public string RequestedBy { get; init; } = "";

    public string DisplayName => string.IsNullOrEmpty(Label) ? Agent : Label;

    public TimeSpan Duration => FinishedAt - StartedAt;

    /// <summary>All tokens of the run: input, output and cache.</summary>
    public long Tokens => Usage?.Total ?? 0;

    /// <summary>The first line of the answer or the error, at most <paramref name="max"/> characters: what a table row shows.</summary>
    public string Headline(int max = 160)
    {
        var text = (Error is { Length: > 0 } && Outcome == RunState.Failed ? Error : Answer).Trim();
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }
}
