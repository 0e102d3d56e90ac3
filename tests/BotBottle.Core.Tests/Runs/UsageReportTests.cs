using BotBottle.Core.Harnesses;
using BotBottle.Core.Runs;

namespace BotBottle.Core.Tests.Runs;

public sealed class UsageReportTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly RunRecord[] Runs =
    [
        Run("j1", "reviewer", "acme/widgets#7", 0.40m, 1_000, Day1),
        Run("j2", "reviewer", "acme/widgets#7", 0.10m, 500, Day1.AddHours(2)),
        Run("j3", "reviewer", "acme/widgets#8", null, 0, Day1.AddDays(1), RunState.Failed),
        Run("j4", "claude", null, 1.00m, 20_000, Day1.AddDays(1), label: "payments bug"),
        Run("j5", "claude", null, null, 0, Day1.AddDays(1), RunState.Stopped, kind: "teardown"),
    ];

    [Theory]
    [InlineData("agent", "claude=1/0/1.00/20000; reviewer=3/1/0.50/1500")]
    [InlineData("pr", "acme/widgets#7=2/0/0.50/1500; acme/widgets#8=1/1/0/0")]
    [InlineData("label", "payments bug=1/0/1.00/20000; reviewer=3/1/0.50/1500")]
    [InlineData("day", "2026-12-01=2/0/0.50/1500; 2026-12-02=2/1/1.00/20000")]
    public void Runs_are_summed_by_the_grouping_asked_for_and_stopped_bottles_cost_nothing(string groupBy, string expected)
    {
        Assert.True(UsageReport.TryParseGrouping(groupBy, out var grouping));

        var rows = UsageReport.Sum(Runs, grouping);

        Assert.Equal(expected, string.Join("; ", rows.Select(r => $"{r.Key}={r.Runs}/{r.Failed}/{r.CostUsd}/{r.Tokens}")));
    }

    [Theory]
    [InlineData("week")]
    [InlineData("agent;drop")]
    public void An_unknown_grouping_is_refused(string groupBy) => Assert.False(UsageReport.TryParseGrouping(groupBy, out _));

    [Theory]
    [InlineData(812, "812 tokens")]
    [InlineData(41_234, "41.2k tokens")]
    [InlineData(1_250_000, "1.3M tokens")]
    public void Token_counts_read_short(long tokens, string expected) => Assert.Equal(expected, UsageReport.Tokens(tokens));

    [Theory]
    [InlineData("0.42", "$0.42")]
    [InlineData("0.0031", "$0.0031")]
    [InlineData("0", "$0.00")]
    public void Costs_read_in_dollars_and_small_ones_keep_their_digits(string usd, string expected) =>
        Assert.Equal(expected, UsageReport.Cost(decimal.Parse(usd, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_headline_is_the_first_line_of_the_answer_or_of_the_error_when_the_run_failed()
    {
        var answer = Run("j1", "claude", null, null, 0, Day1) with { Answer = "Fixed the parser.\nDetails follow." };
        var failure = answer with { Outcome = RunState.Failed, Error = "agent claude has no credential for its model API" };
        var long_ = answer with { Answer = new string('x', 300) };

        Assert.Equal("Fixed the parser.", answer.Headline());
        Assert.Equal("agent claude has no credential for its model API", failure.Headline());
        Assert.Equal(160, long_.Headline().Length);
        Assert.EndsWith("…", long_.Headline(), StringComparison.Ordinal);
    }

    private static RunRecord Run(string job, string agent, string? pr, decimal? cost, long tokens, DateTimeOffset at, RunState outcome = RunState.Succeeded, string kind = "run", string label = "") => new()
    {
        JobId = job,
        Agent = agent,
        Label = label,
        Kind = kind,
        Outcome = outcome,
        StartedAt = at.AddMinutes(-1),
        FinishedAt = at,
        CostUsd = cost,
        Usage = tokens > 0 ? new HarnessUsage(tokens / 2, tokens / 2) : null,
        PullRequest = pr,
    };
}
