using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Tests.Harnesses;

public sealed class HarnessCredentialsTests
{
    [Theory]
    [InlineData(Harness.Claude, "ANTHROPIC_API_KEY", true)]
    [InlineData(Harness.Claude, "CLAUDE_CODE_OAUTH_TOKEN", true)]
    [InlineData(Harness.Claude, "ANTHROPIC_AUTH_TOKEN", true)]
    [InlineData(Harness.Claude, "OPENAI_API_KEY", false)]
    [InlineData(Harness.Codex, "OPENAI_API_KEY", true)]
    [InlineData(Harness.Codex, "ANTHROPIC_API_KEY", false)]
    [InlineData(Harness.OpenCode, "NOTHING", true)]
    public void A_harness_runs_only_with_a_credential_for_its_model_api(Harness harness, string variable, bool runs)
    {
        var missing = HarnessCredentials.Missing("a", harness, new Dictionary<string, string> { [variable] = "value" });

        Assert.Equal(runs, missing is null);
    }

    [Fact]
    public void A_blank_credential_counts_as_none_and_the_reason_names_the_parameter()
    {
        var missing = HarnessCredentials.Missing("coder", Harness.Codex, new Dictionary<string, string> { ["OPENAI_API_KEY"] = " " });

        Assert.StartsWith("agent coder (codex) has no credential for its model API: set the AppHost parameter openai-api-key", missing, StringComparison.Ordinal);
    }
}
