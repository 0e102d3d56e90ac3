namespace BotBottle.Core.Harnesses;

/// <summary>
/// What one non-interactive harness run produced, in the same shape whatever the harness.
/// <see cref="RawJson"/> is the harness's own final JSON, kept for callers that print it verbatim.
/// </summary>
public sealed record HarnessResult(
    string? SessionId,
    string ResultText,
    bool IsError,
    int ExitCode,
    decimal? CostUsd = null,
    HarnessUsage? Usage = null,
    string RawJson = "")
{
    public bool Succeeded => !IsError && ExitCode == 0;

    /// <summary>The model's turns in the run, when the harness reports them (Claude Code's <c>num_turns</c>).</summary>
    public int? Turns { get; init; }

    /// <summary>Tool uses the harness refused, when it reports them (Claude Code's <c>permission_denials</c>).</summary>
    public int? PermissionDenials { get; init; }

    /// <summary>Set when the run cost more than its agent's per-run budget, saying by how much.</summary>
    public string? BudgetNote { get; init; }
}

/// <summary>Token counts as the harness reported them; absent counts are zero.</summary>
public sealed record HarnessUsage(long InputTokens, long OutputTokens, long CacheReadInputTokens = 0, long CacheCreationInputTokens = 0)
{
    /// <summary>All tokens: input, output and cache.</summary>
    public long Total => InputTokens + OutputTokens + CacheReadInputTokens + CacheCreationInputTokens;

    /// <summary>What was counted after <paramref name="earlier"/>: this count less that one, never below zero.</summary>
    public HarnessUsage Since(HarnessUsage earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return new(Math.Max(0, InputTokens - earlier.InputTokens), Math.Max(0, OutputTokens - earlier.OutputTokens),
            Math.Max(0, CacheReadInputTokens - earlier.CacheReadInputTokens), Math.Max(0, CacheCreationInputTokens - earlier.CacheCreationInputTokens));
    }

    /// <summary>Both runs' counts together.</summary>
    public HarnessUsage Plus(HarnessUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(InputTokens + other.InputTokens, OutputTokens + other.OutputTokens,
            CacheReadInputTokens + other.CacheReadInputTokens, CacheCreationInputTokens + other.CacheCreationInputTokens);
    }
}
