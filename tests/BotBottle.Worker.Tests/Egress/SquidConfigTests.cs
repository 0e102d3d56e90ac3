using BotBottle.Core.Egress;
using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;
using BotBottle.Worker.Egress;

namespace BotBottle.Worker.Tests.Egress;

public sealed class SquidConfigTests
{
    private static readonly SidecarPlacement Placement = new(
        "10.213.0.18", 3128, "10.213.0.16/28", "host.botbottle.internal", ["169.254.0.0/16", "10.213.0.0/16"], ["172.18.0.1"]);

    private static EgressPolicy Policy(string[] allowed, string[]? exempt = null) =>
        new([.. allowed.Select(EgressRule.Parse)], [.. (exempt ?? []).Select(EgressRule.Parse)]);

    private static List<string> Lines(string conf) => [.. conf.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    [Fact]
    public void Proxy_listens_only_on_the_bottle_network_and_serves_only_its_bottle()
    {
        var conf = Lines(SquidConfig.Render(Policy(["pypi.org"]), Placement));

        Assert.Contains("http_port 10.213.0.18:3128", conf);
        Assert.Contains("acl from_bottle src 10.213.0.16/28", conf);
        Assert.Equal("http_access deny !from_bottle", conf.First(l => l.StartsWith("http_access", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_empty_allowlist_denies_everything()
    {
        var conf = Lines(SquidConfig.Render(EgressPolicy.DenyAll, Placement));

        Assert.Equal(["http_access deny !from_bottle", "http_access deny manager", "http_access deny url_login mark_userinfo", "http_access deny all"], conf.Where(l => l.StartsWith("http_access", StringComparison.Ordinal)));
    }

    [Fact]
    public void Exact_hosts_match_by_name_only_and_wildcards_match_subdomains_only()
    {
        var conf = Lines(SquidConfig.Render(Policy(["pypi.org:443", "*.github.com"]), Placement));

        Assert.Contains("acl allow_0_host dstdomain -n pypi.org", conf);
        Assert.Contains("acl allow_0_port port 443", conf);
        Assert.Contains("acl allow_0 all-of allow_0_host allow_0_port", conf);
        Assert.Contains(@"acl allow_1_host dstdom_regex -n -i \.github\.com$", conf);
        Assert.Contains("acl allowed any-of allow_0 allow_1", conf);
    }

    [Fact]
    public void Tunnel_ports_and_schemes_then_the_allowlist_then_forbidden_and_private_addresses_are_checked_before_anything_is_allowed()
    {
        var conf = Lines(SquidConfig.Render(Policy(["pypi.org", "api.anthropic.com:443"], ["api.anthropic.com:443"]), Placement));

        var rules = conf.Where(l => l.StartsWith("http_access", StringComparison.Ordinal)).ToList();
        Assert.Equal(
        [
            "http_access deny !from_bottle",
            "http_access deny manager",
            "http_access deny url_login mark_userinfo",
            "http_access deny CONNECT !tls_ports !exempted",
            "http_access deny !CONNECT !web_proto",
            "http_access deny !allowed",
            "http_access deny to_forbidden",
            "http_access deny to_host !host_alias",
            "http_access allow to_host host_alias",
            "http_access deny to_private",
            "http_access allow allowed",
            "http_access deny all",
        ], rules);
    }

    [Fact]
    public void Every_request_but_those_to_the_harness_api_goes_to_the_scanner_and_fails_when_it_cannot_answer()
    {
        var conf = Lines(SquidConfig.Render(Policy(["pypi.org", "api.anthropic.com:443"], ["api.anthropic.com:443"]), Placement));

        Assert.Contains($"icap_service credential_scan reqmod_precache {SquidConfig.ScannerUrl} bypass=off", conf);
        Assert.Equal(["adaptation_access credential_scan deny exempted", "adaptation_access credential_scan allow all"],
            conf.Where(l => l.StartsWith("adaptation_access", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("https://api.anthropic.com/", "cache_peer api.anthropic.com parent 443 0 no-query no-digest no-netdb-exchange originserver name=harness_origin forceddomain=api.anthropic.com tls")]
    [InlineData("http://host.botbottle.internal:8080/v1", "cache_peer host.botbottle.internal parent 8080 0 no-query no-digest no-netdb-exchange originserver name=harness_origin forceddomain=host.botbottle.internal")]
    public void The_harness_api_port_forwards_only_to_its_origin_dropping_the_bottles_credentials_and_unscanned(string origin, string peer)
    {
        var policy = Policy(["pypi.org"]) with { BrokeredApi = new HarnessApiRoute(new Uri(origin), "X-Api-Key") };

        var conf = Lines(SquidConfig.Render(policy, Placement with { HarnessApiPort = 3129 }));

        Assert.Contains($"http_port 10.213.0.18:3129 accel defaultsite={new Uri(origin).Host} no-vhost name=harness_api", conf);
        Assert.Contains(peer, conf);
        Assert.Equal(["cache_peer_access harness_origin allow harness_api", "cache_peer_access harness_origin deny all"], conf.Where(l => l.StartsWith("cache_peer_access", StringComparison.Ordinal)));
        Assert.Contains("request_header_access X-Api-Key deny harness_api", conf);
        Assert.Contains("request_header_access Authorization deny harness_api", conf);
        Assert.Contains($"include {SquidConfig.CredentialsPath}", conf);
        Assert.Equal("adaptation_access credential_scan deny harness_api", conf.First(l => l.StartsWith("adaptation_access", StringComparison.Ordinal)));
        var access = conf.Where(l => l.StartsWith("http_access", StringComparison.Ordinal)).ToList();
        Assert.True(access.IndexOf("http_access deny !from_bottle") < access.IndexOf("http_access allow harness_api"));
        Assert.Equal(1, conf.Count(l => l.StartsWith("http_port", StringComparison.Ordinal) && l.Contains("accel", StringComparison.Ordinal)));
    }

    [Fact]
    public void Without_a_brokered_credential_there_is_no_harness_api_port()
    {
        var conf = SquidConfig.Render(Policy(["pypi.org"]), Placement with { HarnessApiPort = 3129 });

        Assert.DoesNotContain("accel", conf, StringComparison.Ordinal);
        Assert.DoesNotContain("include", conf, StringComparison.Ordinal);
    }

    [Fact]
    public void The_credential_file_escapes_what_squid_would_read_as_escapes_or_macros()
    {
        var credential = new BrokeredCredential(new HarnessApiRoute(new Uri("https://api.openai.com/v1"), "Authorization"), "Bearer a%b\\c\"d");
        var git = new BrokeredGitCredential(new GitRemoteRoute(new Uri("https://gitea.example/"), "/acme/widgets"), "Basic x%y");

        Assert.Equal(
            "request_header_add Authorization \"Bearer a%%b\\\\c\\\"d\" harness_api\nrequest_header_add Authorization \"Basic x%%y\" git_remote\n",
            SquidConfig.RenderCredentials(new SidecarSecrets(credential, git)));
    }

    [Fact]
    public void The_git_port_reaches_the_prs_repository_only_unscanned_and_reads_the_credential_file()
    {
        var policy = Policy(["pypi.org"]) with { BrokeredGit = new GitRemoteRoute(new Uri("https://gitea.example:3000/"), "/acme/my.widgets") };

        var conf = Lines(SquidConfig.Render(policy, Placement with { GitRemotePort = 3130 }));

        Assert.Contains("http_port 10.213.0.18:3130 accel defaultsite=gitea.example no-vhost name=git_remote", conf);
        Assert.Contains("acl git_repository urlpath_regex -i ^/acme/my\\.widgets(\\.git)?/(info/refs(\\?service=git-(upload|receive)-pack)?|git-upload-pack|git-receive-pack)$", conf);
        Assert.Contains("request_header_access Authorization deny git_remote", conf);
        Assert.Contains($"include {SquidConfig.CredentialsPath}", conf);
        Assert.Contains("adaptation_access credential_scan deny git_remote", conf);
        var access = conf.Where(l => l.StartsWith("http_access", StringComparison.Ordinal)).ToList();
        Assert.True(access.IndexOf("http_access deny git_remote !git_repository") < access.IndexOf("http_access allow git_remote"));
    }

    [Fact]
    public void An_address_or_network_entry_is_matched_by_address_and_opens_that_private_space_only()
    {
        var conf = Lines(SquidConfig.Render(Policy(["git.corp", "10.0.5.0/24"]), Placement with { PrivateNetworks = ["192.168.7.7"] }));

        Assert.Contains("acl allow_1_host dst 10.0.5.0/24", conf);
        Assert.Contains("acl private_allowed dst 10.0.5.0/24 192.168.7.7", conf);
        Assert.Contains("http_access deny to_private !private_allowed", conf);
    }

    [Fact]
    public void Access_log_holds_no_path_query_or_header_value()
    {
        var conf = SquidConfig.Render(Policy(["pypi.org"]), Placement);

        var format = Lines(conf).Single(l => l.StartsWith("logformat", StringComparison.Ordinal));
        Assert.DoesNotContain("%ru", format, StringComparison.Ordinal);
        Assert.DoesNotContain("%>ru", format, StringComparison.Ordinal);
        Assert.DoesNotContain("%>h", format, StringComparison.Ordinal);
        Assert.Contains("%>rd %>rP", format, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_address_list_is_split_over_several_lines()
    {
        var many = Enumerable.Range(1, 100).Select(i => $"10.1.0.{i}").ToList();
        var conf = Lines(SquidConfig.Render(Policy(["pypi.org"]), Placement with { HostAddresses = many }));

        var lines = conf.Where(l => l.StartsWith("acl to_host dst", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count > 1);
        Assert.Equal(many, lines.SelectMany(l => l.Split(' ').Skip(3)));
    }

    [Fact]
    public void A_denied_line_is_read_with_its_credential_name()
    {
        var entry = SquidAccessLog.TryParse("BOTBOTTLE 1795630739.196 TCP_DENIED/403 GET allowed.botbottle.test 8080 anthropic-api-key -");

        Assert.NotNull(entry);
        Assert.True(entry.IsDenied);
        Assert.Equal(403, entry.Status);
        Assert.Equal(("GET", "allowed.botbottle.test", 8080), (entry.Method, entry.Host, entry.Port));
        Assert.Equal("anthropic-api-key", entry.Credential);
        Assert.Equal(1795630739196, entry.UnixMilliseconds);
    }

    [Fact]
    public void A_request_the_scanner_refused_is_a_denial_though_squid_served_its_answer()
    {
        var entry = SquidAccessLog.TryParse("BOTBOTTLE 1795630739.196 TCP_MISS/403 POST allowed.botbottle.test 8080 github-token -");

        Assert.True(entry!.IsDenied);
        Assert.Equal("github-token", entry.Credential);
    }

    [Fact]
    public void Userinfo_refused_by_squid_is_read_as_a_credential_denial()
    {
        var entry = SquidAccessLog.TryParse("BOTBOTTLE 1795630739.196 TCP_DENIED/403 GET allowed.botbottle.test 8080 - url-userinfo");

        Assert.Equal("url-userinfo", entry!.Credential);
    }

    [Fact]
    public void A_served_tunnel_is_not_a_denial()
    {
        var entry = SquidAccessLog.TryParse("BOTBOTTLE 1795630739.200 TCP_TUNNEL/200 CONNECT api.anthropic.com 443 - -");

        Assert.NotNull(entry);
        Assert.False(entry.IsDenied);
        Assert.Null(entry.Credential);
    }

    [Theory]
    [InlineData("2026/11/25 18:18:50| Accepting HTTP Socket connections at conn6")]
    [InlineData("BOTBOTTLE garbage")]
    [InlineData("BOTBOTTLE 17956.1 TCP_DENIED GET host 80 -")]
    [InlineData("")]
    public void Lines_that_are_not_access_log_entries_are_ignored(string line)
    {
        Assert.Null(SquidAccessLog.TryParse(line));
    }
}
