using System.Net;
using BotBottle.Core.Manifest;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;

namespace BotBottle.Worker.Egress;

/// <summary>
/// Where a bottle's sidecar sits and what it must never reach: its address on the bottle's network,
/// the forbidden ranges, the host's own addresses (found from the outside network's gateway and this
/// machine's interfaces) and the private networks the operator opened.
/// </summary>
internal sealed class SidecarPlacements(EgressOptions egress, BottleOptions bottles)
{
    public SidecarPlacement For(BottleNetwork network, OutsideNetwork outside) => new(
        SubnetPool.AddressIn(network.Subnet, EgressSidecars.ProxyOffset),
        egress.ProxyPort,
        network.Subnet,
        bottles.HostAlias,
        ["169.254.0.0/16", "127.0.0.0/8", "0.0.0.0/32", bottles.NetworkPool, "::1", "fe80::/10"],
        HostAddresses(outside))
    {
        HarnessApiPort = egress.HarnessApiPort,
        GitRemotePort = egress.GitRemotePort,
        TlsInspection = egress.TlsInspection,
        UpstreamCa = egress.UpstreamCaFile.Length > 0,
        PrivateNetworks = [.. egress.PrivateNetworks.Select(PrivateNetwork)],
    };

    private static string PrivateNetwork(string entry) =>
        EgressRule.TryParse(entry, out var rule, out _) && rule is { Network: not null, Port: null }
            ? rule.Host
            : throw new InvalidOperationException($"BotBottle:Egress:PrivateNetworks has '{entry}', which is not an address or network (e.g. 10.0.5.7 or 10.0.5.0/24)");

    /// <summary>
    /// The addresses the host answers on as far as this Worker can tell: the outside network's
    /// gateway and, when the Worker runs on the host itself, its interfaces' IPv4 addresses.
    /// </summary>
    private List<string> HostAddresses(OutsideNetwork outside)
    {
        // Bottle networks are refused wholesale (to_forbidden); listing their gateways again only lengthens the config.
        var list = InterfaceAddresses()
            .Where(a => !SubnetPool.Contains(bottles.NetworkPool, a))
            .Select(a => a.ToString())
            .ToList();
        if (outside.Gateway is { Length: > 0 } gateway)
        {
            list.Insert(0, gateway);
        }

        return [.. list.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The host's IPv4 interface addresses. .NET reads them from netlink and throws when an interface
    /// vanishes mid-read, which happens here all the time (bridges come and go with bottles): retry.
    /// </summary>
    private static List<IPAddress> InterfaceAddresses()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return [.. System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                    .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
                    .Select(a => a.Address)
                    .Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))];
            }
            catch (Exception ex) when (attempt < 5 && ex is ArgumentException or System.Net.NetworkInformation.NetworkInformationException)
            {
            }
        }
    }
}
