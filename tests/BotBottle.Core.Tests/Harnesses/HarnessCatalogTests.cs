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

    /// <summary>A task never becomes a shell string or an option: it is one argument, verbatim, whatever it holds.</summary>
    [Theory]
    [InlineData(Harness.Claude)]
    [InlineData(Harness.Codex)]
    [InlineData(Harness.OpenCode)]
    public void A_hostile_task_stays_one_verbatim_argument_on_a_run_and_a_resume(Harness kind)
    {
        const string task = "--help; echo $(whoami) && rm -rf / \"quoted\"";
        var harness = HarnessCatalog.For(kind);

        foreach (var command in new[] { harness.BuildCommand(task), harness.BuildCommand(task, "ses_0123-abc") })
        {
            Assert.Single(command, a => a.Contains("whoami", StringComparison.Ordinal));
            Assert.Contains(task, command);
            Assert.DoesNotContain("--help", command);
        }

        Assert.Contains("ses_0123-abc", harness.BuildCommand(task, "ses_0123-abc"));
    }

    [Fact]
    public void Unknown_harness_kind_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HarnessCatalog.For((Harness)42));
    }
}
