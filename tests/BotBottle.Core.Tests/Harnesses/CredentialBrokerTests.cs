using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Tests.Harnesses;

public sealed class CredentialBrokerTests
{
    private static readonly Uri Sidecar = new("http://10.77.0.2:3129");

    [Theory]
    [InlineData(Harness.Claude, "ANTHROPIC_API_KEY", "X-Api-Key", "sk-ant-1", "ANTHROPIC_BASE_URL", "https://api.anthropic.com/", "http://10.77.0.2:3129")]
    [InlineData(Harness.Claude, "CLAUDE_CODE_OAUTH_TOKEN", "Authorization", "Bearer sk-ant-1", "ANTHROPIC_BASE_URL", "https://api.anthropic.com/", "http://10.77.0.2:3129")]
    [InlineData(Harness.Codex, "OPENAI_API_KEY", "Authorization", "Bearer sk-ant-1", "OPENAI_BASE_URL", "https://api.openai.com/v1", "http://10.77.0.2:3129/v1")]
    public void The_credential_leaves_the_environment_for_the_sidecar_and_the_harness_is_pointed_at_it(
        Harness harness, string variable, string header, string headerValue, string baseUrlVariable, string origin, string bottleBaseUrl)
    {
        var environment = new Dictionary<string, string> { [variable] = "sk-ant-1", ["OTHER"] = "kept" };

        var credential = CredentialBroker.Take(harness, environment, Sidecar)!;

        Assert.Equal(new HarnessApiRoute(new Uri(origin), header), credential.Route);
        Assert.Equal(headerValue, credential.HeaderValue);
        Assert.Equal(CredentialBroker.Placeholder, environment[variable]);
        Assert.Equal(bottleBaseUrl, environment[baseUrlVariable]);
        Assert.Equal("kept", environment["OTHER"]);
        Assert.DoesNotContain("sk-ant-1", credential.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_base_url_is_the_origin_and_its_path_is_kept_and_every_other_credential_variable_goes()
    {
        var environment = new Dictionary<string, string>
        {
            ["ANTHROPIC_BASE_URL"] = "http://llm-gateway.internal:8080/anthropic/",
            ["ANTHROPIC_API_KEY"] = "key-a",
            ["CLAUDE_CODE_OAUTH_TOKEN"] = "token-b",
        };

        var credential = CredentialBroker.Take(Harness.Claude, environment, Sidecar)!;

        Assert.Equal("http://llm-gateway.internal:8080/anthropic/", credential.Route.Origin.ToString());
        Assert.Equal("llm-gateway.internal:8080", EgressRule.ForEndpointOf(credential.Route.Origin)!.ToString());
        Assert.Equal("key-a", credential.HeaderValue);
        Assert.Equal("http://10.77.0.2:3129/anthropic", environment["ANTHROPIC_BASE_URL"]);
        Assert.False(environment.ContainsKey("CLAUDE_CODE_OAUTH_TOKEN"));
    }

    [Theory]
    [InlineData(Harness.Claude, "UNRELATED", "x")]
    [InlineData(Harness.Claude, "ANTHROPIC_API_KEY", "  ")]
    [InlineData(Harness.OpenCode, "ANTHROPIC_API_KEY", "x")]
    public void Without_a_credential_nothing_is_brokered_and_the_environment_is_untouched(Harness harness, string variable, string value)
    {
        var environment = new Dictionary<string, string> { [variable] = value };

        Assert.Null(CredentialBroker.Take(harness, environment, Sidecar));
        Assert.Equal(new Dictionary<string, string> { [variable] = value }, environment);
    }

    [Theory]
    [InlineData("sk ant")]
    [InlineData("sk\r\nX-Evil: 1")]
    [InlineData("sk-ant-\u00e9")]
    public void A_credential_no_header_can_carry_is_refused_without_echoing_it(string value)
    {
        var environment = new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = value };

        var error = Assert.Throws<InvalidOperationException>(() => CredentialBroker.Take(Harness.Claude, environment, Sidecar));

        Assert.StartsWith("ANTHROPIC_API_KEY holds characters an HTTP header cannot carry", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }
}
