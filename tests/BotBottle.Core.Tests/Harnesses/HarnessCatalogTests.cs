using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Tests.Harnesses;

public sealed class HarnessCatalogTests
{
    [Theory]
    [InlineData(Harness.Claude, typeof(ClaudeCodeHarness))]
    [InlineData(Harness.Codex, typeof(CodexHarness))]
    [InlineData(Harness.OpenCode, typeof(OpenCodeHarness))]
    public void Each_harness_kind_is_driven_by_its_own_harness(Harness kind, Type expected)
    {
        var harness = HarnessCatalog.For(kind);

        Assert.IsType(expected, harness);
        Assert.Equal(kind, harness.Kind);
    }

    [Fact]
    public void Every_declared_harness_kind_has_a_harness()
    {
        Assert.All(Enum.GetValues<Harness>(), kind => Assert.Equal(kind, HarnessCatalog.For(kind).Kind));
    }

    [Fact]
    public void The_same_harness_instance_is_returned_each_time()
    {
        Assert.Same(HarnessCatalog.For(Harness.Codex), HarnessCatalog.For(Harness.Codex));
    }

    [Theory]
    [InlineData(Harness.Claude, ".claude")]
    [InlineData(Harness.Codex, ".codex")]
    [InlineData(Harness.OpenCode, ".local/share/opencode")]
    public void State_directory_is_where_the_harness_keeps_its_sessions(Harness kind, string directory)
    {
        Assert.Equal(directory, HarnessCatalog.For(kind).StateDirectory);
    }

    [Theory]
    [InlineData(Harness.Claude, "api.anthropic.com")]
    [InlineData(Harness.Codex, "api.openai.com")]
    [InlineData(Harness.OpenCode, "api.anthropic.com")]
    public void Api_host_is_the_default_model_provider(Harness kind, string host)
    {
        Assert.Equal(host, HarnessCatalog.For(kind).ApiHost);
    }

    [Fact]
    public void Unknown_harness_kind_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HarnessCatalog.For((Harness)42));
    }
}
