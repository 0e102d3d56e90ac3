using BotBottle.Core.Manifest;

namespace BotBottle.Core.Tests.Manifest;

public sealed class EgressRuleTests
{
    [Fact]
    public void Exact_host_without_port_allows_any_port()
    {
        var rule = EgressRule.Parse("api.anthropic.com");

        Assert.Equal("api.anthropic.com", rule.Host);
        Assert.Null(rule.Port);
        Assert.False(rule.IsWildcard);
        Assert.True(rule.Matches("api.anthropic.com", 443));
        Assert.True(rule.Matches("API.Anthropic.com", 8443));
        Assert.False(rule.Matches("evil.api.anthropic.com", 443));
    }

    [Fact]
    public void Wildcard_matches_subdomains_but_not_the_bare_domain()
    {
        var rule = EgressRule.Parse("*.github.com");

        Assert.True(rule.IsWildcard);
        Assert.True(rule.Matches("api.github.com", 443));
        Assert.True(rule.Matches("a.b.github.com", 443));
        Assert.False(rule.Matches("github.com", 443));
        Assert.False(rule.Matches("evilgithub.com", 443));
    }

    [Fact]
    public void Port_restricts_matches_to_that_port()
    {
        var rule = EgressRule.Parse("*.github.com:443");

        Assert.Equal(443, rule.Port);
        Assert.True(rule.Matches("api.github.com", 443));
        Assert.False(rule.Matches("api.github.com", 22));
    }

    [Fact]
    public void Host_is_lowercased_and_trailing_dot_dropped()
    {
        var rule = EgressRule.Parse("  API.GitHub.com.:443 ");

        Assert.Equal("api.github.com:443", rule.ToString());
    }

    [Theory]
    [InlineData("ollama")]
    [InlineData("ollama:11434")]
    [InlineData("10.0.0.1:8080")]
    [InlineData("host.docker.internal")]
    public void Single_label_hosts_and_ip_addresses_are_accepted(string entry)
    {
        Assert.True(EgressRule.TryParse(entry, out var rule, out _));
        Assert.Equal(entry, rule.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("https://api.github.com", "looks like a URL")]
    [InlineData("github.com/foo", "looks like a URL")]
    [InlineData("api.github.com:0", "invalid port '0'")]
    [InlineData("api.github.com:65536", "invalid port '65536'")]
    [InlineData("api.github.com:https", "invalid port 'https'")]
    [InlineData("api.github.com:", "invalid port ''")]
    [InlineData("*", "misplaced '*'")]
    [InlineData("*.com", "too broad")]
    [InlineData("*github.com", "misplaced '*'")]
    [InlineData("api.*.github.com", "misplaced '*'")]
    [InlineData("*.*.github.com", "misplaced '*'")]
    [InlineData("-bad.example.com", "not a valid host name")]
    [InlineData("under_score.example.com", "not a valid host name")]
    [InlineData("double..dot.com", "not a valid host name")]
    [InlineData("[::1]:443", "not a valid host name")]
    public void Malformed_entries_are_rejected_with_a_reason(string entry, string reason)
    {
        Assert.False(EgressRule.TryParse(entry, out var rule, out var error));
        Assert.Null(rule);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.5.7", "10.0.5.7", 80, true)]
    [InlineData("10.0.5.7:8080", "10.0.5.7", 8080, true)]
    [InlineData("10.0.5.7:8080", "10.0.5.7", 80, false)]
    [InlineData("10.0.5.0/24", "10.0.5.200", 443, true)]
    [InlineData("10.0.5.0/24", "10.0.6.1", 443, false)]
    [InlineData("10.0.5.0/24", "git.corp", 443, false)]
    [InlineData("fd00::/8", "fd12::1", 443, true)]
    [InlineData("fd00::/8", "fe80::1", 443, false)]
    public void An_address_or_network_entry_matches_by_address(string entry, string host, int port, bool matches)
    {
        var rule = EgressRule.Parse(entry);

        Assert.NotNull(rule.Network);
        Assert.Equal(matches, rule.Matches(host, port));
    }

    [Theory]
    [InlineData("10.0.5.1/24", "bits set past the prefix")]
    [InlineData("10.0.0.0/33", "invalid prefix length")]
    [InlineData("10.0.0.0/x", "invalid prefix length")]
    [InlineData("10.0.0.1:99999", "invalid port")]
    public void Malformed_networks_are_rejected_with_a_reason(string entry, string reason)
    {
        Assert.False(EgressRule.TryParse(entry, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_longer_than_253_characters_is_rejected()
    {
        var host = string.Join('.', Enumerable.Repeat(new string('a', 63), 4));

        Assert.False(EgressRule.TryParse(host, out _, out var error));
        Assert.Contains("not a valid host name", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_throws_format_exception_for_malformed_entries()
    {
        Assert.Throws<FormatException>(() => EgressRule.Parse("https://x.y"));
    }
}
