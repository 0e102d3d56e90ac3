using System.Globalization;

namespace BotBottle.Core.Egress;

/// <summary>One request a bottle's egress proxy refused. It never carries the matched credential itself.</summary>
public sealed record EgressDenial(
    string Slug,
    DateTimeOffset At,
    string Method,
    string Host,
    int Port,
    EgressDenialReason Reason,
    string? Credential = null)
{
    public const string WithheldHost = "(host name withheld: it holds a credential)";

    /// <summary>
    /// The denial the proxy logged, classified: a credential the proxy matched, or one carried in the
    /// host name itself (which is then withheld, so it goes no further), or else by the policy.
    /// </summary>
    public static EgressDenial FromProxy(string slug, DateTimeOffset at, string method, string host, int port, string? proxyCredential, EgressPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(host);
        var hostCredential = CredentialPatterns.FindIn(host)?.Name;
        var credential = proxyCredential ?? hostCredential;
        var reason = policy?.ClassifyDenial(host, port, credential, method)
            ?? (EgressPolicy.IsUnscannable(credential) ? EgressDenialReason.Unscannable
                : credential is not null ? EgressDenialReason.Credential
                : EgressDenialReason.NotAllowlisted);
        return new EgressDenial(slug, at, method, hostCredential is null ? host : WithheldHost, port, reason,
            reason is EgressDenialReason.Credential or EgressDenialReason.Unscannable ? credential : null);
    }

    public string Destination => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    /// <summary>What the dashboard and the CLI show: "denied CONNECT evil.example:443: not on the allowlist".</summary>
    public string Describe() => Reason switch
    {
        EgressDenialReason.Credential => $"blocked {Method} {Destination}: the request carried a credential ({Credential})",
        EgressDenialReason.ForbiddenAddress => $"denied {Method} {Destination}: it resolves to a forbidden address (the host, metadata, loopback, a private network or another bottle; allow a private address or network by listing it in the agent's egress)",
        EgressDenialReason.TunnelPort => $"denied {Method} {Destination}: tunnels go only to TLS ports (443 and the agent's tlsPorts)",
        EgressDenialReason.Unscannable when Credential == EgressPolicy.BodyUnscannableVerdict =>
            $"refused {Method} {Destination}: its body is compressed in a way the credential scan cannot read",
        EgressDenialReason.Unscannable => $"refused {Method} {Destination}: its body is larger than the credential scan reads (BotBottle:Egress:MaxScannedBody)",
        _ => $"denied {Method} {Destination}: not on the allowlist",
    };

    /// <summary>Event data keys, for readers that want the parts rather than the sentence.</summary>
    public IReadOnlyDictionary<string, string> ToEventData()
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["method"] = Method,
            ["host"] = Host,
            ["port"] = Port.ToString(CultureInfo.InvariantCulture),
            ["reason"] = Reason switch
            {
                EgressDenialReason.Credential => "credential",
                EgressDenialReason.ForbiddenAddress => "forbidden-address",
                EgressDenialReason.TunnelPort => "tunnel-port",
                EgressDenialReason.Unscannable => "unscannable-body",
                _ => "not-allowlisted",
            },
        };
        if (Credential is { Length: > 0 })
        {
            data[Reason == EgressDenialReason.Unscannable ? "verdict" : "credential"] = Credential;
        }

        return data;
    }
}
