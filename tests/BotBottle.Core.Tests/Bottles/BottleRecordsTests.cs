using BotBottle.Core.Bottles;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Tests.Bottles;

public sealed class BottleRecordsTests
{
    private static readonly AgentManifest Manifest = ManifestLoader.Parse(
        "agents:\n  implementer: { image: img, harness: claude }\n", "agents.yaml");

    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    [Fact]
    public void Bottle_spec_label_and_colour_default_to_empty()
    {
        var spec = new BottleSpec(Manifest, "implementer", CopyCwd: true, UserCwd: "/src/app");

        Assert.Equal("", spec.Identity);
        Assert.Equal("", spec.Label);
        Assert.Equal("", spec.Color);
        Assert.Equal("implementer", spec.DisplayName);
        Assert.Equal(Harness.Claude, spec.Agent.Harness);
    }

    [Fact]
    public void Bottle_spec_display_name_prefers_the_label()
    {
        var spec = new BottleSpec(Manifest, "implementer", false, "/src", Label: "billing fix");

        Assert.Equal("billing fix", spec.DisplayName);
    }

    [Fact]
    public void Bottle_spec_for_an_undeclared_agent_fails_when_the_agent_is_needed()
    {
        var spec = new BottleSpec(Manifest, "ghost", false, "/src");

        Assert.Throws<KeyNotFoundException>(() => spec.Agent);
    }

    [Fact]
    public void New_bottle_metadata_copies_identity_cwd_label_and_colour_from_the_spec()
    {
        var spec = new BottleSpec(Manifest, "implementer", true, "/src/app", "alice", "billing fix", "bright-cyan");
        var started = new DateTimeOffset(2026, 6, 3, 14, 2, 11, TimeSpan.Zero);

        var metadata = BottleMetadata.ForNewBottle(spec, started, "bb-a3f9", "docker");

        Assert.Equal(
            new BottleMetadata("alice", "implementer", "/src/app", true, "2026-06-03T14:02:11+00:00", "bb-a3f9", "docker", "billing fix", "bright-cyan"),
            metadata);
        Assert.Equal(started, metadata.StartedAtInstant());
    }

    [Fact]
    public void Active_agent_display_name_is_the_label_or_else_the_agent_key()
    {
        var started = DateTimeOffset.UnixEpoch;

        Assert.Equal("implementer", new ActiveAgent("docker", "a3f9", "implementer", started, []).DisplayName);
        Assert.Equal("billing", new ActiveAgent("docker", "a3f9", "implementer", started, [], Label: "billing").DisplayName);
    }

    [Fact]
    public void Active_agent_is_built_from_metadata_with_label_colour_and_parsed_start_time()
    {
        var metadata = new BottleMetadata("", "implementer", "/src", false, "2026-06-03T14:02:11", "bb-a3f9", "docker", "billing", "red");

        var agent = ActiveAgent.FromMetadata("a3f9c0", metadata, ["egress", "pipelock"], Utc);

        Assert.Equal("docker", agent.BackendName);
        Assert.Equal("a3f9c0", agent.Slug);
        Assert.Equal("implementer", agent.AgentName);
        Assert.Equal(new DateTimeOffset(2026, 6, 3, 14, 2, 11, TimeSpan.Zero), agent.StartedAt);
        Assert.Equal(["egress", "pipelock"], agent.Services);
        Assert.Equal("billing", agent.Label);
        Assert.Equal("red", agent.Color);
    }
}
