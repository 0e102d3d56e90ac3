using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Egress;

/// <summary>
/// Where one bottle may connect: the manifest's allowlist plus what the platform adds (the harness's
/// API, the Ollama endpoint of a local model, the Gitea host of a PR). Everything else is denied.
/// Requests to <see cref="ScanExempt"/> destinations are not scanned for credentials, because the
/// harness's own API key legitimately goes there.
/// </summary>
public sealed record EgressPolicy(IReadOnlyList<EgressRule> Allowed, IReadOnlyList<EgressRule> ScanExempt)
{
    public static EgressPolicy DenyAll { get; } = new([], []);

    /// <summary>Ports a TLS tunnel (CONNECT) may go to.</summary>
    public IReadOnlyList<int> TlsPorts { get; init; } = [AgentDefinition.DefaultTlsPort];

    /// <summary>
    /// The harness's API as the sidecar reaches it for the bottle, adding the credential the bottle
    /// does not hold; null when the bottle has no credential to broker.
    /// </summary>
    public HarnessApiRoute? BrokeredApi { get; init; }

    /// <summary>The PR's repository as the sidecar reaches it for the bottle's git, adding the Git host's token; null without one.</summary>
    public GitRemoteRoute? BrokeredGit { get; init; }

    /// <summary>The address and network entries: the only private address space a bottle may reach.</summary>
    public IEnumerable<EgressRule> Networks => Allowed.Where(rule => rule.Network is not null);

    /// <summary>The policy for <paramref name="agent"/> with the platform's additions.</summary>
    public static EgressPolicy For(AgentDefinition agent, IEnumerable<EgressRule> harnessApis, IEnumerable<EgressRule> platformExtras)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var apis = harnessApis.Distinct().ToList();
        var allowed = agent.Egress.Concat(apis).Concat(platformExtras).Distinct().ToList();
        // A tunnel to the harness's own API is allowed whatever its port (see AllowsTunnel); its
        // port does not join TlsPorts, or a tunnel to that port of any allowlisted host would pass.
        return new EgressPolicy(allowed, apis) { TlsPorts = [.. agent.TlsPorts.Distinct().Order()] };
    }

    public bool Allows(string host, int port) => Allowed.Any(rule => rule.Matches(host, port));

    /// <summary>
    /// Whether a tunnel (CONNECT) may go to <paramref name="host"/>:<paramref name="port"/> as far as
    /// its port goes: a TLS port, or the harness's own API on whatever port it listens (its
    /// conversation is exempt from the scan anyway).
    /// </summary>
    public bool AllowsTunnel(string host, int port) => TlsPorts.Contains(port) || ScanExempt.Any(rule => rule.Matches(host, port));

    /// <summary>
    /// Why the proxy denied a request, from what it logged: a credential match names its pattern;
    /// an allowlisted destination was refused for its address (metadata, loopback, the host, another
    /// bottle); anything else was simply not on the allowlist.
    /// </summary>
    public EgressDenialReason ClassifyDenial(string host, int port, string? credential, string method = "GET") =>
        IsUnscannable(credential) ? EgressDenialReason.Unscannable
        : !string.IsNullOrEmpty(credential) ? EgressDenialReason.Credential
        : method == "CONNECT" && !AllowsTunnel(host, port) ? EgressDenialReason.TunnelPort
        : Allows(host, port) ? EgressDenialReason.ForbiddenAddress
        : EgressDenialReason.NotAllowlisted;

    /// <summary>The scanner's verdict for a body larger than it reads: refused, as it cannot be checked.</summary>
    public const string BodyTooLargeVerdict = "body-too-large";

    /// <summary>The scanner's verdict for a body compressed in a coding it cannot undo (or damaged).</summary>
    public const string BodyUnscannableVerdict = "body-unscannable";

    /// <summary>Whether the scanner's verdict says the request could not be checked (rather than that it held a credential).</summary>
    public static bool IsUnscannable(string? verdict) => verdict is BodyTooLargeVerdict or BodyUnscannableVerdict;

    /// <summary>
    /// The API endpoint a harness talks to: its base-URL variable when the bottle's environment sets
    /// one (a proxy, a local model, a test server), otherwise its public API on 443.
    /// </summary>
    public static EgressRule HarnessApi(Harness harness, IReadOnlyDictionary<string, string> environment)
    {
        return EgressRule.ForEndpointOf(CredentialBroker.ApiOrigin(harness, environment))
            ?? EgressRule.Parse($"{HarnessCatalog.For(harness).ApiHost}:443");
    }
}

public enum EgressDenialReason
{
    NotAllowlisted,
    ForbiddenAddress,
    Credential,

    /// <summary>A tunnel (CONNECT) to a port that is not a TLS port of the bottle's.</summary>
    TunnelPort,

    /// <summary>A body larger than the credential scan reads, to a host whose requests are scanned.</summary>
    Unscannable,
}
