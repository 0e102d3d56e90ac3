using BotBottle.Core.Manifest;

namespace BotBottle.Core.Tests.Manifest;

public sealed class HarnessNamesTests
{
    [Theory]
    [InlineData("claude", Harness.Claude)]
    [InlineData("codex", Harness.Codex)]
    [InlineData("opencode", Harness.OpenCode)]
    public void Manifest_names_round_trip(string name, Harness harness)
    {
        Assert.True(HarnessNames.TryParse(name, out var parsed));
        Assert.Equal(harness, parsed);
        Assert.Equal(name, harness.ToManifestName());
    }

    [Theory]
    [InlineData("Claude")]
    [InlineData("gemini")]
    [InlineData("")]
    [InlineData(null)]
    public void Harness_names_are_exact_lowercase(string? name)
    {
        Assert.False(HarnessNames.TryParse(name, out _));
    }

    [Theory]
    [InlineData("anthropic", ModelProvider.Anthropic)]
    [InlineData("openai", ModelProvider.OpenAI)]
    [InlineData("ollama", ModelProvider.Ollama)]
    public void Model_provider_names_round_trip(string name, ModelProvider provider)
    {
        Assert.True(ModelProviderNames.TryParse(name, out var parsed));
        Assert.Equal(provider, parsed);
        Assert.Equal(name, provider.ToManifestName());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("implementer")]
    [InlineData("code-reviewer_2")]
    [InlineData("-leading-dash")]
    public void Agent_keys_of_lowercase_letters_digits_dash_and_underscore_are_valid(string key)
    {
        Assert.True(AgentDefinition.IsValidKey(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("with space")]
    [InlineData("dot.ted")]
    [InlineData("émoji")]
    [InlineData(null)]
    public void Agent_keys_with_other_characters_are_invalid(string? key)
    {
        Assert.False(AgentDefinition.IsValidKey(key));
    }

    [Fact]
    public void Agent_key_longer_than_40_characters_is_invalid()
    {
        Assert.True(AgentDefinition.IsValidKey(new string('a', 40)));
        Assert.False(AgentDefinition.IsValidKey(new string('a', 41)));
    }
}
