using BotBottle.Core.Egress;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Tests.Egress;

public sealed class EgressPolicyTests
{
    private static AgentDefinition Agent(Harness harness, params string[] egress) => new(
        "agent", "image", harness, "", [.. egress.Select(EgressRule.Parse)], new Dictionary<string, string>(), new ResourceLimits(null, null, null), null);

    [Fact]
    public void Claude_reaches_its_public_api_on_443_by_default()
    {
        var api = EgressPolicy.HarnessApi(Harness.Claude, new Dictionary<string, string>());

        Assert.Equal("api.anthropic.com:443", api.ToString());
    }

    [Fact]
    public void A_base_url_in_the_environment_replaces_the_public_api()
    {
        var api = EgressPolicy.HarnessApi(Harness.Claude, new Dictionary<string, string> { ["ANTHROPIC_BASE_URL"] = "http://llm-gateway.internal:8080/v1" });

        Assert.Equal("llm-gateway.internal:8080", api.ToString());
    }

    [Fact]
    public void Codex_reads_the_openai_base_url()
    {
        var api = EgressPolicy.HarnessApi(Harness.Codex, new Dictionary<string, string> { ["OPENAI_BASE_URL"] = "https://proxy.example.com" });

        Assert.Equal("proxy.example.com:443", api.ToString());
    }

    [Fact]
    public void An_unusable_base_url_falls_back_to_the_public_api()
    {
        var api = EgressPolicy.HarnessApi(Harness.Claude, new Dictionary<string, string> { ["ANTHROPIC_BASE_URL"] = "not a url" });

        Assert.Equal("api.anthropic.com:443", api.ToString());
    }

    [Fact]
    public void Policy_allows_manifest_hosts_the_harness_api_and_platform_extras_and_nothing_else()
    {
        var policy = EgressPolicy.For(Agent(Harness.Claude, "*.github.com", "pypi.org:443"),
            [EgressRule.Parse("api.anthropic.com:443")], [EgressRule.Parse("gitea.internal:3000")]);

        Assert.True(policy.Allows("api.github.com", 443));
        Assert.True(policy.Allows("pypi.org", 443));
        Assert.True(policy.Allows("api.anthropic.com", 443));
        Assert.True(policy.Allows("gitea.internal", 3000));
        Assert.False(policy.Allows("github.com", 443));
        Assert.False(policy.Allows("pypi.org", 80));
        Assert.False(policy.Allows("evil.example.com", 443));
    }

    [Fact]
    public void Only_the_harness_api_is_exempt_from_credential_scanning()
    {
        var policy = EgressPolicy.For(Agent(Harness.Claude, "pypi.org"), [EgressRule.Parse("api.anthropic.com:443")], []);

        Assert.Equal(["api.anthropic.com:443"], policy.ScanExempt.Select(r => r.ToString()));
    }

    [Fact]
    public void Duplicate_rules_are_listed_once()
    {
        var policy = EgressPolicy.For(Agent(Harness.Claude, "api.anthropic.com:443"), [EgressRule.Parse("api.anthropic.com:443")], []);

        Assert.Single(policy.Allowed);
    }

    [Theory]
    [InlineData("GET", "evil.example.com", 443, null, EgressDenialReason.NotAllowlisted)]
    [InlineData("GET", "pypi.org", 443, null, EgressDenialReason.ForbiddenAddress)]
    [InlineData("GET", "pypi.org", 443, "github-token", EgressDenialReason.Credential)]
    [InlineData("CONNECT", "pypi.org", 8080, null, EgressDenialReason.TunnelPort)]
    [InlineData("CONNECT", "pypi.org", 443, null, EgressDenialReason.ForbiddenAddress)]
    [InlineData("POST", "pypi.org", 80, "body-too-large", EgressDenialReason.Unscannable)]
    public void Denials_are_classified_from_what_the_proxy_logged(string method, string host, int port, string? verdict, EgressDenialReason expected)
    {
        var policy = EgressPolicy.For(Agent(Harness.Claude, "pypi.org"), [], []);

        Assert.Equal(expected, policy.ClassifyDenial(host, port, verdict, method));
    }

    [Fact]
    public void Tunnels_may_go_to_443_the_agents_tls_ports_and_to_the_harness_api_on_its_own_port_only()
    {
        var agent = Agent(Harness.Claude, "pypi.org", "pypi.org:8443") with { TlsPorts = [443, 6443] };

        var policy = EgressPolicy.For(agent, [EgressRule.Parse("model.test:8443")], []);

        Assert.Equal([443, 6443], policy.TlsPorts);
        Assert.True(policy.AllowsTunnel("pypi.org", 6443));
        Assert.True(policy.AllowsTunnel("model.test", 8443));
        Assert.False(policy.AllowsTunnel("pypi.org", 8443));
        Assert.Equal(EgressDenialReason.TunnelPort, policy.ClassifyDenial("pypi.org", 8443, null, "CONNECT"));
    }

    [Fact]
    public void A_credential_in_the_host_name_is_withheld_and_reported_as_a_credential()
    {
        var denial = EgressDenial.FromProxy("ab12", DateTimeOffset.UnixEpoch, "GET", "ghp_abcdefghijklmnopqrstuvwxyz0123456789.evil.example.com", 80, null, null);

        Assert.Equal(EgressDenialReason.Credential, denial.Reason);
        Assert.Equal("github-token", denial.Credential);
        Assert.DoesNotContain("ghp_", denial.Describe(), StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_", string.Join(' ', denial.ToEventData().Values), StringComparison.Ordinal);
    }

    [Fact]
    public void A_denial_the_proxy_logged_is_classified_by_the_policy()
    {
        var policy = EgressPolicy.For(Agent(Harness.Claude, "pypi.org"), [], []);

        Assert.Equal(EgressDenialReason.ForbiddenAddress, EgressDenial.FromProxy("ab12", default, "GET", "pypi.org", 443, null, policy).Reason);
        Assert.Equal(EgressDenialReason.NotAllowlisted, EgressDenial.FromProxy("ab12", default, "GET", "evil.example.com", 443, null, policy).Reason);
        Assert.Equal(EgressDenialReason.Credential, EgressDenial.FromProxy("ab12", default, "GET", "pypi.org", 443, "aws-access-key-id", policy).Reason);
    }

    [Fact]
    public void A_denial_describes_the_destination_and_reason_but_never_the_credential()
    {
        var denial = new EgressDenial("ab12", DateTimeOffset.UnixEpoch, "CONNECT", "pypi.org", 443, EgressDenialReason.Credential, "github-token");

        Assert.Equal("blocked CONNECT pypi.org:443: the request carried a credential (github-token)", denial.Describe());
        Assert.Equal("credential", denial.ToEventData()["reason"]);
        Assert.Equal("443", denial.ToEventData()["port"]);
    }
}
