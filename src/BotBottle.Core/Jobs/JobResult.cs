using BotBottle.Core.Harnesses;

namespace BotBottle.Core.Jobs;

public enum JobOutcome
{
    Succeeded,
    Failed,
}

/// <summary>What became of a job; stored before the job is acknowledged, so a result is never lost.</summary>
public sealed record JobResult
{
    public required string JobId { get; init; }

    public required JobOutcome Outcome { get; init; }

    public string? Slug { get; init; }

    public HarnessResult? Harness { get; init; }

    public string? Error { get; init; }

    public string WorkerId { get; init; } = "";

    public DateTimeOffset FinishedAt { get; init; }
}
