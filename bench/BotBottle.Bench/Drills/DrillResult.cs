using System.Globalization;

namespace BotBottle.Bench.Drills;

/// <summary>One row of the drill report.</summary>
/// <param name="Recovery">From the fault until the work it interrupted was done (or the system answered again).</param>
public sealed record DrillResult(string Drill, int Submitted, int Completed, int RanTwice, int Lost, TimeSpan? Recovery, string Checks)
{
    public bool Passed => RanTwice == 0 && Lost == 0 && !Checks.Contains("FAILED", StringComparison.Ordinal);

    public static string Header =>
        "| drill | work submitted | work completed | ran twice | lost | time to recover | checks |\n|---|---|---|---|---|---|---|";

    public string Row() => string.Create(CultureInfo.InvariantCulture,
        $"| {Drill} | {Submitted} | {Completed} | {RanTwice} | {Lost} | {(Recovery is { } r ? $"{r.TotalSeconds:F1} s" : "-")} | {Checks} |");

    /// <summary>"name: ok" or "name: FAILED (detail)".</summary>
    public static string Check(string name, bool ok, string? detail = null) =>
        ok ? $"{name}: ok" : $"{name}: FAILED{(detail is null ? "" : $" ({detail})")}";
}
