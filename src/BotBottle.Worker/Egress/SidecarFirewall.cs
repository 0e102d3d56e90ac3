using System.Net;
using System.Net.Sockets;
using System.Text;
using BotBottle.Core.Egress;

namespace BotBottle.Worker.Egress;

/// <summary>
/// The sidecar's own packet filter, in its network namespace: the addresses Squid may connect to,
/// enforced by the kernel on every connection it actually opens. Squid's address rules run when it
/// evaluates a request; this holds at connect time too, so a name whose DNS answer changes between
/// the two (DNS rebinding) still cannot reach private, loopback, link-local or reserved space. Rendered
/// as <c>iptables-restore</c> input for the filter table (IPv4; IPv6 is refused outright, the sidecar
/// has no use for it).
/// </summary>
public static class SidecarFirewall
{
    public const string RulesPath = "/etc/squid/botbottle/firewall.rules";

    /// <summary>IPv4 rules: loopback (Docker's DNS), replies, the host and the opened private networks, then every private range refused.</summary>
    public static string Render(EgressPolicy policy, SidecarPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(placement);
        var rules = new StringBuilder();
        rules.Append("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        rules.Append("-A OUTPUT -o lo -j ACCEPT\n");
        rules.Append("-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n");
        foreach (var forbidden in V4(placement.ForbiddenNetworks))
        {
            Reject(rules, forbidden);
        }

        // The host only through its alias (Squid checks the name); opened private networks as listed.
        foreach (var open in V4([.. placement.HostAddresses, .. placement.PrivateNetworks, .. policy.Networks.Select(r => r.Host)]))
        {
            rules.Append("-A OUTPUT -d ").Append(open).Append(" -j ACCEPT\n");
        }

        foreach (var range in V4(SquidConfig.PrivateRanges))
        {
            Reject(rules, range);
        }

        rules.Append("COMMIT\n");
        return rules.ToString();
    }

    /// <summary>IPv6: loopback only.</summary>
    public static string RenderV6() =>
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n" +
        "-A OUTPUT -o lo -j ACCEPT\n" +
        "-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset\n" +
        "-A OUTPUT -j REJECT\n" +
        "COMMIT\n";

    private static void Reject(StringBuilder rules, string network)
    {
        // A reset, so Squid fails the request at once (and says why) instead of waiting out a timeout.
        rules.Append("-A OUTPUT -d ").Append(network).Append(" -p tcp -j REJECT --reject-with tcp-reset\n");
        rules.Append("-A OUTPUT -d ").Append(network).Append(" -j REJECT\n");
    }

    /// <summary>The IPv4 entries, as addresses or networks iptables reads; anything else is left out.</summary>
    private static IEnumerable<string> V4(IEnumerable<string> entries) =>
        entries
            .Select(e => e.Trim())
            .Where(e => IPAddress.TryParse(e.Split('/')[0], out var a) && a.AddressFamily == AddressFamily.InterNetwork)
            .Distinct(StringComparer.Ordinal);
}
