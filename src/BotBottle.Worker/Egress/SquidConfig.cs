using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BotBottle.Core.Egress;
using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;

namespace BotBottle.Worker.Egress;

/// <summary>Where one sidecar sits: its address on the bottle's network and what it must never reach.</summary>
/// <param name="ProxyAddress">The sidecar's address on the bottle's network; it listens only there.</param>
/// <param name="BottleSubnet">The bottle's network; only clients from it are served.</param>
/// <param name="HostAlias">The name under which the Docker host may be allowlisted (model servers on the host).</param>
/// <param name="ForbiddenNetworks">Never reached whatever a name resolves to: metadata, loopback, every bottle.</param>
/// <param name="HostAddresses">The host's own addresses, reached only through an allowlisted host alias.</param>
public sealed record SidecarPlacement(
    string ProxyAddress,
    int ProxyPort,
    string BottleSubnet,
    string HostAlias,
    IReadOnlyList<string> ForbiddenNetworks,
    IReadOnlyList<string> HostAddresses)
{
    /// <summary>Terminate HTTPS with the inspection CA (<see cref="SquidConfig.CaPath"/> in the sidecar) and scan inside.</summary>
    public bool TlsInspection { get; init; }

    /// <summary>Whether <see cref="SquidConfig.UpstreamCaPath"/> holds extra CAs for upstream servers (inspected ones, and the harness's API).</summary>
    public bool UpstreamCa { get; init; }

    /// <summary>The port the harness reaches its model API on, through the sidecar, which adds the credential.</summary>
    public int HarnessApiPort { get; init; }

    /// <summary>The port git reaches the PR's repository on, through the sidecar, which adds the Git host's token.</summary>
    public int GitRemotePort { get; init; }

    /// <summary>Private networks the operator opened for every bottle (<c>BotBottle:Egress:PrivateNetworks</c>), on top of the manifest's.</summary>
    public IReadOnlyList<string> PrivateNetworks { get; init; } = [];
}

/// <summary>
/// Renders a bottle's egress policy as squid.conf: default deny, the allowlist as host (and port)
/// rules, forbidden and private destination addresses checked after name resolution (so an
/// allowlisted name that resolves to the metadata service, the host or a private network is still
/// refused), tunnels only to TLS ports, only http and https, and every request handed whole to the
/// sidecar's credential scanner over ICAP. The access log carries no URL path, query or header
/// value, so nothing scanned ever reaches a log.
/// </summary>
public static class SquidConfig
{
    /// <summary>Every access-log line starts with this, so the monitor can tell them from Squid's own messages.</summary>
    public const string LogTag = "BOTBOTTLE";

    public const string ConfigPath = "/etc/squid/botbottle/squid.conf";
    public const string CaPath = "/etc/squid/botbottle/ca.pem";
    public const string UpstreamCaPath = "/etc/squid/botbottle/upstream-ca.pem";

    /// <summary>The harness's credential as Squid adds it (0440, the proxy user's, group root); included by squid.conf, never in it.</summary>
    public const string CredentialsPath = "/etc/squid/botbottle/credentials.conf";

    /// <summary>The name of the harness API port, and of the ACL matching requests that came in on it.</summary>
    private const string HarnessApiAcl = "harness_api";

    /// <summary>The name of the Git port, and of the ACL matching requests that came in on it.</summary>
    private const string GitRemoteAcl = "git_remote";

    /// <summary>Where the sidecar's credential scanner (an ICAP REQMOD service) listens.</summary>
    public const string ScannerUrl = "icap://127.0.0.1:1344/reqmod";

    /// <summary>The header the scanner names its verdict in; the access log carries it, never the matched text.</summary>
    public const string BlockHeader = "X-BotBottle-Block";

    /// <summary>The transaction note Squid's own credential refusals are named in (a URL's userinfo).</summary>
    public const string BlockNote = "botbottle-block";

    /// <summary>The name a refusal of credentials in a URL's userinfo is reported under.</summary>
    public const string UserinfoVerdict = "url-userinfo";

    /// <summary>
    /// Never reached unless a manifest entry names the address or network: private (RFC 1918, IPv6
    /// unique-local), shared (CGNAT), loopback, link-local, multicast, documentation and reserved
    /// ranges, IPv4 and IPv6. Checked on the addresses Squid connects to, after name resolution.
    /// </summary>
    public static IReadOnlyList<string> PrivateRanges { get; } =
    [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16",
        "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    ];

    public static string Render(EgressPolicy policy, SidecarPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(placement);
        var conf = new StringBuilder();
        Line(conf, "# Generated by the BotBottle Worker from the bottle's manifest entry; rewritten on every change.");
        if (placement.TlsInspection)
        {
            // Every tunnel is opened (bumped) after the client's hello is seen; the requests inside
            // then pass the same http_access rules and the same credential scan.
            Line(conf, $"http_port {placement.ProxyAddress}:{placement.ProxyPort} ssl-bump tls-cert={CaPath} generate-host-certificates=on dynamic_cert_mem_cache_size=4MB");
            Line(conf, "sslcrtd_program /usr/lib/squid/security_file_certgen -s /var/spool/squid/ssl_db -M 4MB");
            Line(conf, "sslcrtd_children 4 startup=1 idle=1");
            if (placement.UpstreamCa)
            {
                Line(conf, $"tls_outgoing_options cafile={UpstreamCaPath}");
            }

            Line(conf, "acl tls_step1 at_step SslBump1");
            Line(conf, "ssl_bump peek tls_step1");
            Line(conf, "ssl_bump bump all");
        }
        else
        {
            Line(conf, $"http_port {placement.ProxyAddress}:{placement.ProxyPort}");
        }

        if (policy.BrokeredApi is { } brokered)
        {
            HarnessApiRoute(conf, brokered, placement);
        }

        if (policy.BrokeredGit is { } git)
        {
            GitRemoteRoute(conf, git, placement);
        }

        if (policy.BrokeredApi is not null || policy.BrokeredGit is not null)
        {
            Line(conf, $"include {CredentialsPath}");
        }

        Line(conf, "pid_filename /run/squid/squid.pid");
        Line(conf, "cache deny all");
        Line(conf, "cache_mem 8 MB");
        // Squid reads only 16 KB ahead of a slow client by default, which caps bulk downloads.
        Line(conf, "read_ahead_gap 1 MB");
        Line(conf, "pinger_enable off");
        Line(conf, "via off");
        Line(conf, "forwarded_for delete");
        Line(conf, "httpd_suppress_version_string on");
        Line(conf, "shutdown_lifetime 1 seconds");
        // The last field names why a request was blocked: the scanner's verdict, or Squid's own (userinfo).
        Line(conf, $"logformat botbottle {LogTag} %ts.%03tu %Ss/%03>Hs %rm %>rd %>rP %{{{BlockHeader}}}adapt::<last_h %{{{BlockNote}}}note");
        Line(conf, "access_log stdio:/dev/stdout botbottle");
        Line(conf, "cache_log stdio:/dev/stderr");
        Line(conf, "logfile_rotate 0");

        // Every request the bottle sends, whole (URL, every header, the body), goes to the scanner
        // before it is forwarded. If the scanner cannot answer, the request fails: never unscanned.
        Line(conf, "icap_enable on");
        Line(conf, $"icap_service credential_scan reqmod_precache {ScannerUrl} bypass=off");
        Line(conf, "icap_preview_enable off");
        Line(conf, "icap_persistent_connections on");
        Line(conf, "icap_service_failure_limit -1");
        Line(conf, "icap_send_client_ip off");

        Line(conf, $"acl from_bottle src {placement.BottleSubnet}");
        ListAcl(conf, "to_forbidden dst", placement.ForbiddenNetworks);
        if (placement.HostAddresses.Count > 0)
        {
            ListAcl(conf, "to_host dst", placement.HostAddresses);
            Line(conf, $"acl host_alias dstdomain -n {placement.HostAlias}");
        }

        ListAcl(conf, "to_private dst", PrivateRanges);
        var privateAllowed = policy.Networks.Select(rule => rule.Host).Concat(placement.PrivateNetworks).Distinct(StringComparer.Ordinal).ToList();
        if (privateAllowed.Count > 0)
        {
            ListAcl(conf, "private_allowed dst", privateAllowed);
        }

        Line(conf, $"acl tls_ports port {string.Join(' ', policy.TlsPorts.Select(p => p.ToString(CultureInfo.InvariantCulture)))}");
        Line(conf, "acl web_proto proto HTTP HTTPS");
        Line(conf, "acl CONNECT method CONNECT");
        // Squid keeps a URL's userinfo out of what it hands the scanner and turns it into Basic
        // credentials only when it forwards: refuse it here instead, whatever it holds.
        Line(conf, "acl url_login urllogin .");
        Line(conf, $"acl mark_userinfo annotate_transaction {BlockNote}={UserinfoVerdict}");
        var allowlisted = RuleAcls(conf, "allow", policy.Allowed);
        var exempt = RuleAcls(conf, "exempt", policy.ScanExempt);

        if (policy.BrokeredApi is not null)
        {
            // The harness's own API, as before: its conversation is not scanned (nor limited in size).
            Line(conf, $"adaptation_access credential_scan deny {HarnessApiAcl}");
        }

        if (policy.BrokeredGit is not null)
        {
            // The team's own repository: pushing code there is the point, and packs are compressed,
            // so a scan would see nothing in them and refuse every push over the body limit.
            Line(conf, $"adaptation_access credential_scan deny {GitRemoteAcl}");
        }

        Line(conf, exempt is null ? "adaptation_access credential_scan allow all" : $"adaptation_access credential_scan deny {exempt}");
        if (exempt is not null)
        {
            Line(conf, "adaptation_access credential_scan allow all");
        }

        Line(conf, "http_access deny !from_bottle");
        Line(conf, "http_access deny manager");
        Line(conf, "http_access deny url_login mark_userinfo");
        if (policy.BrokeredApi is not null)
        {
            // Goes only to the configured origin (a cache peer), whatever the request names.
            Line(conf, $"http_access allow {HarnessApiAcl}");
        }

        if (policy.BrokeredGit is not null)
        {
            // Only the PR's repository, on the Git host only (a cache peer); no other repository the token opens.
            Line(conf, $"http_access deny {GitRemoteAcl} !git_repository");
            Line(conf, $"http_access deny {GitRemoteAcl} git_path_tricks");
            Line(conf, $"http_access allow {GitRemoteAcl}");
        }

        if (allowlisted is null)
        {
            Line(conf, "http_access deny all");
            return conf.ToString();
        }

        // A tunnel goes only to TLS ports (a plain-HTTP port inside a tunnel would pass unscanned),
        // and only http and https are spoken (Squid would gateway ftp:// or whois:// otherwise).
        // The harness's own API is the exception: its port may be any, and its conversation is not scanned.
        Line(conf, exempt is null ? "http_access deny CONNECT !tls_ports" : $"http_access deny CONNECT !tls_ports !{exempt}");
        Line(conf, "http_access deny !CONNECT !web_proto");
        Line(conf, $"http_access deny !{allowlisted}");
        Line(conf, "http_access deny to_forbidden");
        if (placement.HostAddresses.Count > 0)
        {
            Line(conf, "http_access deny to_host !host_alias");
            Line(conf, "http_access allow to_host host_alias");
        }

        Line(conf, privateAllowed.Count > 0 ? "http_access deny to_private !private_allowed" : "http_access deny to_private");
        Line(conf, $"http_access allow {allowlisted}");
        Line(conf, "http_access deny all");
        return conf.ToString();
    }

    /// <summary>
    /// The harness API port: Squid as a reverse proxy to the harness's API, adding the real
    /// credential from <see cref="CredentialsPath"/>.
    /// </summary>
    private static void HarnessApiRoute(StringBuilder conf, HarnessApiRoute route, SidecarPlacement placement) =>
        ReverseProxyPort(conf, HarnessApiAcl, placement.HarnessApiPort, "harness_origin", route.Origin, placement);

    /// <summary>
    /// The Git port: Squid as a reverse proxy to the Git host of the PR's repository, that repository
    /// the only path, adding the Git host's token from <see cref="CredentialsPath"/>.
    /// </summary>
    private static void GitRemoteRoute(StringBuilder conf, GitRemoteRoute route, SidecarPlacement placement)
    {
        ReverseProxyPort(conf, GitRemoteAcl, placement.GitRemotePort, "git_origin", route.Origin, placement);
        // Git's smart-HTTP endpoints of the repository only ("/acme/widgets.git/info/refs?service=...",
        // ".../git-upload-pack", ".../git-receive-pack"), any case as Gitea takes them; names hold only
        // letters, digits, '-', '_' and '.'. Nothing else of the repository: Gitea's LFS batch answer,
        // for one, carries the caller's Authorization header, which would hand the bottle the token.
        Line(conf, $"acl git_repository urlpath_regex -i ^{route.RepositoryPath.Replace(".", "\\.", StringComparison.Ordinal)}(\\.git)?/(info/refs(\\?service=git-(upload|receive)-pack)?|git-upload-pack|git-receive-pack)$");
        Line(conf, "acl git_path_tricks urlpath_regex -i (/\\.\\.|%2e|%2f|%5c|\\\\)");
    }

    /// <summary>
    /// A sidecar port (named <paramref name="acl"/>, as is the ACL matching requests that came in on
    /// it) where Squid is a reverse proxy to <paramref name="origin"/> alone, over TLS for https
    /// (verified against the system's CAs and the upstream CA file), dropping every credential header
    /// the bottle sent; the real one is added by <see cref="CredentialsPath"/>.
    /// </summary>
    private static void ReverseProxyPort(StringBuilder conf, string acl, int port, string peer, Uri origin, SidecarPlacement placement)
    {
        Line(conf, string.Create(CultureInfo.InvariantCulture,
            $"http_port {placement.ProxyAddress}:{port} accel defaultsite={origin.IdnHost} no-vhost name={acl}"));
        var tls = origin.Scheme == Uri.UriSchemeHttps
            ? " tls" + (placement.UpstreamCa ? $" tls-cafile={UpstreamCaPath}" : "")
            : "";
        Line(conf, string.Create(CultureInfo.InvariantCulture,
            $"cache_peer {origin.IdnHost} parent {origin.Port} 0 no-query no-digest no-netdb-exchange originserver name={peer} forceddomain={origin.IdnHost}{tls}"));
        Line(conf, $"acl {acl} myportname {acl}");
        Line(conf, $"cache_peer_access {peer} allow {acl}");
        Line(conf, $"cache_peer_access {peer} deny all");
        Line(conf, $"never_direct allow {acl}");
        DropCredentialHeaders(conf, acl);
    }

    private static void DropCredentialHeaders(StringBuilder conf, string acl)
    {
        foreach (var header in (string[])["X-Api-Key", "Authorization", "Proxy-Authorization", "Surrogate-Capability", "Cookie"])
        {
            Line(conf, $"request_header_access {header} deny {acl}");
        }
    }

    /// <summary>
    /// The contents of <see cref="CredentialsPath"/>: the real credential added to every request that
    /// came in on the harness API port. Squid reads the value as a quoted string with escapes and
    /// %macros, so backslash, quote and percent are escaped.
    /// </summary>
    public static string RenderCredentials(SidecarSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var conf = new StringBuilder();
        if (secrets.HarnessApi is { } api)
        {
            conf.Append(CultureInfo.InvariantCulture, $"request_header_add {api.Route.Header} \"{Quoted(api.HeaderValue)}\" {HarnessApiAcl}\n");
        }

        if (secrets.Git is { } git)
        {
            conf.Append(CultureInfo.InvariantCulture, $"request_header_add Authorization \"{Quoted(git.Authorization)}\" {GitRemoteAcl}\n");
        }

        return conf.ToString();
    }

    private static string Quoted(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("%", "%%", StringComparison.Ordinal);

    /// <summary>One all-of ACL per rule (host and port) and an any-of over them; null when there are none.</summary>
    private static string? RuleAcls(StringBuilder conf, string prefix, IReadOnlyList<EgressRule> rules)
    {
        if (rules.Count == 0)
        {
            return null;
        }

        var names = new List<string>();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{i}");
            Line(conf, $"acl {name}_host {HostMatcher(rule)}");
            if (rule.Port is { } port)
            {
                Line(conf, string.Create(CultureInfo.InvariantCulture, $"acl {name}_port port {port}"));
                Line(conf, $"acl {name} all-of {name}_host {name}_port");
            }
            else
            {
                Line(conf, $"acl {name} all-of {name}_host");
            }

            names.Add(name);
        }

        Line(conf, $"acl {prefix}ed any-of {string.Join(' ', names)}");
        return $"{prefix}ed";
    }

    /// <summary>
    /// Exact hosts by name (no reverse lookup of IP literals, hence -n); wildcards as a suffix regex,
    /// because Squid's ".github.com" would also admit github.com itself, which "*.github.com" does not.
    /// </summary>
    private static string HostMatcher(EgressRule rule) =>
        rule.Network is not null ? $"dst {rule.Host}"
        : rule.IsWildcard ? $"dstdom_regex -n -i \\.{Regex.Escape(rule.Host[2..])}$"
        : $"dstdomain -n {rule.Host}";

    /// <summary>A long list over several lines (Squid appends them): its configuration lines are length-limited.</summary>
    private static void ListAcl(StringBuilder conf, string nameAndType, IReadOnlyList<string> values)
    {
        foreach (var chunk in values.Chunk(16))
        {
            Line(conf, $"acl {nameAndType} {string.Join(' ', chunk)}");
        }
    }

    private static void Line(StringBuilder conf, string line) => conf.Append(line).Append('\n');
}
