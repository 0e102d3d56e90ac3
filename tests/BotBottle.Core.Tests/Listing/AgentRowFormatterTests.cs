using BotBottle.Core.Bottles;
using BotBottle.Core.Listing;

namespace BotBottle.Core.Tests.Listing;

public sealed class AgentRowFormatterTests
{
    private static readonly DateTimeOffset StartedUtc = new(2026, 6, 3, 14, 2, 11, TimeSpan.Zero);
    private static readonly TimeZoneInfo Plus2 = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2");

    private static ActiveAgent Agent(string label = "", string color = "", string[]? services = null) =>
        new("docker", "a3f9c2d1", "implementer", StartedUtc, services ?? ["egress", "pipelock"], label, color);

    [Fact]
    public void Row_matches_the_prd_layout()
    {
        var row = new AgentRowFormatter(TimeZoneInfo.Utc).Format(Agent());

        Assert.Equal("[docker] a3f9 implementer started 14:02:11 [egress,pipelock]", row);
    }

    [Fact]
    public void Egress_denials_follow_the_services()
    {
        var row = new AgentRowFormatter(TimeZoneInfo.Utc).Format(Agent() with { EgressDenied = 3 });

        Assert.Equal("[docker] a3f9 implementer started 14:02:11 [egress,pipelock] 3 egress denied", row);
    }

    [Fact]
    public void A_vanished_bottle_says_so_and_when_it_was_noticed()
    {
        var row = new AgentRowFormatter(TimeZoneInfo.Utc).Format(Agent() with { Status = BottleStatus.Vanished, VanishedAt = StartedUtc.AddHours(1) });

        Assert.Equal("[docker] a3f9 implementer started 14:02:11 [egress,pipelock] VANISHED: its container is gone (noticed 2026-06-03 15:02:11)", row);
    }

    [Fact]
    public void Label_replaces_the_agent_key()
    {
        var row = new AgentRowFormatter(TimeZoneInfo.Utc).Format(Agent(label: "billing fix"));

        Assert.Equal("[docker] a3f9 billing fix started 14:02:11 [egress,pipelock]", row);
    }

    [Fact]
    public void Agent_key_can_follow_a_label_that_differs_from_it()
    {
        var rows = new AgentRowFormatter(TimeZoneInfo.Utc, showAgentKey: true);

        Assert.Equal("[docker] a3f9 billing fix (implementer) started 14:02:11 [egress,pipelock]", rows.Format(Agent(label: "billing fix")));
        Assert.Equal("[docker] a3f9 implementer started 14:02:11 [egress,pipelock]", rows.Format(Agent()));
    }

    [Fact]
    public void Start_time_is_shown_in_the_given_zone()
    {
        var row = new AgentRowFormatter(Plus2).Format(Agent());

        Assert.Contains("started 16:02:11", row, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_time_defaults_to_the_local_zone()
    {
        var local = TimeZoneInfo.ConvertTime(StartedUtc, TimeZoneInfo.Local).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

        var row = new AgentRowFormatter().Format(Agent());

        Assert.Contains($"started {local}", row, StringComparison.Ordinal);
    }

    [Fact]
    public void Services_group_is_omitted_when_there_are_none()
    {
        var row = new AgentRowFormatter(TimeZoneInfo.Utc).Format(Agent(services: []));

        Assert.Equal("[docker] a3f9 implementer started 14:02:11", row);
    }

    [Fact]
    public void Colour_is_ignored_unless_colourising_is_asked_for()
    {
        var row = new AgentRowFormatter(TimeZoneInfo.Utc).Format(Agent(label: "billing", color: "red"));

        Assert.DoesNotContain('\u001b', row);
    }

    [Fact]
    public void Colourised_row_wraps_only_the_label_in_the_colour()
    {
        var row = new AgentRowFormatter(TimeZoneInfo.Utc, colorize: true).Format(Agent(label: "billing", color: "bright-red"));

        Assert.Equal("[docker] a3f9 \u001b[1;31mbilling\u001b[0m started 14:02:11 [egress,pipelock]", row);
    }

    [Fact]
    public void Colourised_row_colours_the_agent_key_when_there_is_no_label()
    {
        var row = new AgentRowFormatter(TimeZoneInfo.Utc, colorize: true).Format(Agent(color: "green"));

        Assert.Equal("[docker] a3f9 \u001b[32mimplementer\u001b[0m started 14:02:11 [egress,pipelock]", row);
    }

    [Theory]
    [InlineData("")]
    [InlineData("purple")]
    public void Colourised_row_stays_plain_without_a_usable_colour(string color)
    {
        var row = new AgentRowFormatter(TimeZoneInfo.Utc, colorize: true).Format(Agent(label: "billing", color: color));

        Assert.Equal("[docker] a3f9 billing started 14:02:11 [egress,pipelock]", row);
    }

    [Fact]
    public void Short_slug_is_shown_whole()
    {
        var row = new AgentRowFormatter(TimeZoneInfo.Utc).Format(Agent() with { Slug = "ab" });

        Assert.StartsWith("[docker] ab implementer", row, StringComparison.Ordinal);
    }
}
