using System.Globalization;

namespace BotBottle.Core.Runs;

/// <summary>What usage is summed by.</summary>
public enum UsageGrouping
{
    Agent,
    PullRequest,
    Label,
    Day,
}

/// <summary>One group's totals: runs, cost (where the harness reported or a price gave one), tokens, turns.</summary>
public sealed record UsageRow(string Key, int Runs, int Failed, decimal CostUsd, long InputTokens, long OutputTokens, long CacheTokens, int Turns)
{
    public long Tokens => InputTokens + OutputTokens + CacheTokens;
}

/// <summary>Sums run records into usage rows: per agent, per pull request (all its turns), per label or per day (UTC).</summary>
public static class UsageReport
{
    public static bool TryParseGrouping(string? text, out UsageGrouping grouping)
    {
        grouping = UsageGrouping.Agent;
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "agent":
                return true;
            case "pr" or "pull-request":
                grouping = UsageGrouping.PullRequest;
                return true;
            case "label":
                grouping = UsageGrouping.Label;
                return true;
            case "day":
                grouping = UsageGrouping.Day;
                return true;
            default:
                return false;
        }
    }

    public static IReadOnlyList<UsageRow> Sum(IEnumerable<RunRecord> runs, UsageGrouping grouping)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return [.. runs
            .Where(run => run.Kind != "teardown")
            .Select(run => (Key: KeyOf(run, grouping), Run: run))
            .Where(x => x.Key is not null)
            .GroupBy(x => x.Key!, StringComparer.Ordinal)
            .Select(g => new UsageRow(
                g.Key,
                g.Count(),
                g.Count(x => x.Run.Outcome == RunState.Failed),
                g.Sum(x => x.Run.CostUsd ?? 0),
                g.Sum(x => x.Run.Usage?.InputTokens ?? 0),
                g.Sum(x => x.Run.Usage?.OutputTokens ?? 0),
                g.Sum(x => (x.Run.Usage?.CacheReadInputTokens ?? 0) + (x.Run.Usage?.CacheCreationInputTokens ?? 0)),
                g.Sum(x => x.Run.Turns ?? 0)))
            .OrderBy(row => grouping == UsageGrouping.Day ? row.Key : null, StringComparer.Ordinal)
            .ThenByDescending(row => row.CostUsd)
            .ThenByDescending(row => row.Tokens)];
    }

    private static string? KeyOf(RunRecord run, UsageGrouping grouping) => grouping switch
    {
        UsageGrouping.Agent => run.Agent,
        UsageGrouping.PullRequest => run.PullRequest,
        UsageGrouping.Label => run.DisplayName,
        _ => run.FinishedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    /// <summary>"41.2k tokens", "812 tokens", "1.3M tokens".</summary>
    public static string Tokens(long tokens) => tokens switch
    {
        >= 1_000_000 => (tokens / 1_000_000m).ToString("0.#", CultureInfo.InvariantCulture) + "M tokens",
        >= 1_000 => (tokens / 1_000m).ToString("0.#", CultureInfo.InvariantCulture) + "k tokens",
        _ => tokens.ToString(CultureInfo.InvariantCulture) + " tokens",
    };

    /// <summary>"$0.42", "$0.0031".</summary>
    public static string Cost(decimal usd) =>
        "$" + usd.ToString(usd is > 0 and < 0.01m ? "0.0000" : "0.00", CultureInfo.InvariantCulture);
}
