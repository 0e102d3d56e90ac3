using System.Globalization;
using BotBottle.Core.Runs;

namespace BotBottle.Cli.Commands;

/// <summary>How runs and usage read in a terminal.</summary>
public static class RunLines
{
    /// <summary>"2026-12-03 14:02  a3f9  payments bug  claude  failed  12 s  $0.04  8.1k tokens  no credential ..."</summary>
    public static string Row(RunRecord run, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(run);
        return string.Join("  ",
            TimeZoneInfo.ConvertTime(run.FinishedAt, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            run.Slug.Length > 0 ? run.Slug : "-",
            run.DisplayName,
            run.Agent,
            run.Outcome.ToString().ToLowerInvariant(),
            Seconds(run.Duration),
            run.CostUsd is { } cost ? UsageReport.Cost(cost) : "-",
            run.Usage is null ? "-" : UsageReport.Tokens(run.Tokens),
            run.Headline(100));
    }

    /// <summary>A run's summary: a heading line, its numbers, then its answer or error.</summary>
    public static string Summary(RunRecord run, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(run);
        var lines = new List<string>
        {
            $"{TimeZoneInfo.ConvertTime(run.FinishedAt, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}  {run.Kind} {run.Outcome.ToString().ToLowerInvariant()} in {Seconds(run.Duration)}  ({run.DisplayName}, {run.Agent})",
            $"  cost {(run.CostUsd is { } cost ? UsageReport.Cost(cost) : "not reported")}"
                + (run.Usage is { } u ? $"  tokens {u.InputTokens} in, {u.OutputTokens} out, {u.CacheReadInputTokens} cache read, {u.CacheCreationInputTokens} cache written" : "")
                + (run.Turns is { } turns ? $"  turns {turns}" : "")
                + (run.SessionId is { } session ? $"  session {session}" : ""),
        };
        if (run.Error is { Length: > 0 } error)
        {
            lines.Add($"  error: {error}");
        }

        if (run.Answer.Length > 0)
        {
            lines.AddRange(run.Answer.Split('\n').Select(line => "  | " + line.TrimEnd('\r')));
        }

        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    public static string Usage(UsageRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return string.Join("  ", row.Key, $"{row.Runs} runs", $"{row.Failed} failed", UsageReport.Cost(row.CostUsd), UsageReport.Tokens(row.Tokens), $"{row.Turns} turns");
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";
}
