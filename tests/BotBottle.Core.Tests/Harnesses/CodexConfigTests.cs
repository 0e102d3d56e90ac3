using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Tests.Harnesses;

public sealed class CodexConfigTests
{
    private static AgentDefinition Agent(string? model) => new(
        "codex", "image", Harness.Codex, "", [], new Dictionary<string, string>(), new ResourceLimits(null, null, null),
        model is null ? null : new ModelSpec(ModelProvider.OpenAI, model));

    private static Dictionary<string, string> Lines(string config) =>
        config.Split('\n').Where(l => l.Contains(" = ", StringComparison.Ordinal)).ToDictionary(l => l[..l.IndexOf(" = ", StringComparison.Ordinal)], l => l[(l.IndexOf(" = ", StringComparison.Ordinal) + 3)..]);

    [Fact]
    public void The_provider_points_at_the_bottles_base_url_and_reads_the_placeholder_variable()
    {
        var config = CodexConfig.For(Agent("gpt-5.5"), new Dictionary<string, string> { ["OPENAI_BASE_URL"] = "http://10.213.0.2:3129/v1/" });

        var values = Lines(config);
        Assert.Equal("\"gpt-5.5\"", values["model"]);
        Assert.Equal("\"botbottle\"", values["model_provider"]);
        Assert.Equal("\"http://10.213.0.2:3129/v1\"", values["base_url"]);
        Assert.Equal("\"OPENAI_API_KEY\"", values["env_key"]);
        Assert.Equal("\"responses\"", values["wire_api"]);
        Assert.Contains("[model_providers.botbottle]", config.Split('\n'));
    }

    [Fact]
    public void Without_a_base_url_it_is_openais_api_and_without_a_model_codex_picks_its_own()
    {
        var values = Lines(CodexConfig.For(Agent(null), new Dictionary<string, string>()));

        Assert.Equal("\"https://api.openai.com/v1\"", values["base_url"]);
        Assert.False(values.ContainsKey("model"));
    }

    /// <summary>A manifest's model name cannot add TOML of its own (another provider, another base URL).</summary>
    [Theory]
    [InlineData("gpt\"\nbase_url = \"http://evil.example\"\n[model_providers.evil]\nx = \"")]
    [InlineData("gpt\\\" \\u000a")]
    [InlineData("tab\there\u007f and \u0001")]
    public void A_hostile_model_name_stays_one_quoted_string(string model)
    {
        var config = CodexConfig.For(Agent(model), new Dictionary<string, string>());

        var modelLines = config.Split('\n').Where(l => l.StartsWith("model", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, modelLines.Count);
        Assert.StartsWith("model = \"", modelLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(config.Split('\n'), l => l.Contains("evil", StringComparison.Ordinal) && !l.StartsWith("model = ", StringComparison.Ordinal));
        Assert.Single(config.Split('\n'), l => l.StartsWith("base_url", StringComparison.Ordinal));
        Assert.DoesNotMatch("[\u0000-\u0008\u000b-\u001f\u007f]", config);
    }
}
