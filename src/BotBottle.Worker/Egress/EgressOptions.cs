namespace BotBottle.Worker.Egress;

/// <summary>The egress proxy sidecar every bottle gets (<c>BotBottle:Egress</c>).</summary>
public sealed class EgressOptions
{
    public const string Section = "BotBottle:Egress";

    /// <summary>The proxy image: Debian's Squid, built by <c>build/images/egress.sh</c>.</summary>
    public string Image { get; set; } = "botbottle/egress:squid-5.7-r5";

    /// <summary>
    /// The network the sidecars reach the outside through (created when missing). Bottles are never
    /// attached to it.
    /// </summary>
    public string OutsideNetwork { get; set; } = "botbottle-egress";

    public int ProxyPort { get; set; } = 3128;

    /// <summary>
    /// The sidecar port a harness reaches its model API on: Squid as a reverse proxy to the API,
    /// adding the credential the bottle never holds.
    /// </summary>
    public int HarnessApiPort { get; set; } = 3129;

    /// <summary>
    /// The sidecar port git in a PR's bottle reaches the PR's repository on: Squid as a reverse proxy
    /// to the Git host, for that repository only, adding the Git host's token the bottle never holds.
    /// </summary>
    public int GitRemotePort { get; set; } = 3130;

    /// <summary>
    /// Opt-in TLS inspection: the proxy terminates each HTTPS connection with a certificate from the
    /// installation's own CA (which the bottles are told to trust), so URLs, headers and the
    /// credential scan reach inside TLS. Off by default: it breaks certificate pinning and puts the
    /// proxy in the middle of every connection.
    /// </summary>
    public bool TlsInspection { get; set; }

    /// <summary>Where the inspection CA is kept; empty means <c>&lt;StateRoot&gt;/.egress-ca</c>.</summary>
    public string CaDirectory { get; set; } = "";

    /// <summary>
    /// Extra CA certificates (PEM) the proxy trusts for upstream servers it speaks TLS to (inspected
    /// ones, and the harness's model API behind a gateway), for internal services signed by a private
    /// CA; the system's CAs are always trusted.
    /// </summary>
    public string UpstreamCaFile { get; set; } = "";

    /// <summary>
    /// Request bodies up to this size are scanned for credentials; a larger one is refused (to any
    /// host but the harness's API, which is not scanned), since it cannot be checked.
    /// </summary>
    public long MaxScannedBody { get; set; } = 1024 * 1024;

    /// <summary>
    /// Private addresses or networks (an internal Git server, "10.0.5.0/24") every bottle may reach
    /// when its allowlist names a host there. Private, loopback, link-local and reserved space is
    /// refused otherwise; a manifest's egress entry can also name an address or network.
    /// </summary>
    public List<string> PrivateNetworks { get; } = [];

    /// <summary>
    /// How long a launch waits for a new sidecar to accept connections. A sidecar that exits is
    /// reported at once; this bounds only a slow start. Each sidecar starts Squid and the credential
    /// scanner, and a burst of launches on a small host queues them for CPU: 50 launches at once on
    /// 2 cores (the launch-burst drill) had sidecars still starting after 20 s.
    /// </summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How often the Worker looks for sidecars whose denials it is not following yet.</summary>
    public TimeSpan MonitorInterval { get; set; } = TimeSpan.FromSeconds(2);
}
