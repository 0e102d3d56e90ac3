using System.Formats.Tar;
using System.Globalization;
using System.Text;
using BotBottle.Core.Egress;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Egress;

/// <summary>
/// The sidecar container: it starts as root with only the capabilities to set its own packet filter
/// and change user, then drops them all for good and runs Squid and the credential scanner as the
/// proxy user (see build/images/egress/start); bounded memory, processes and logs, on the bottle's
/// network at its fixed address; its configuration, patterns and filter in its environment (none
/// holds a secret).
/// </summary>
internal static class SidecarContainerSpec
{
    /// <param name="sockets">
    /// For a bottle without a network device: the host directory the sidecar shares with it, where
    /// socat in the sidecar serves a Unix socket per port (<see cref="EgressSockets"/>); else null.
    /// </param>
    public static CreateContainerParameters Create(
        string name, BottleNetwork network, string squidConf, string firewall, OutsideNetwork outside, EgressOptions egress, BottleOptions bottles, string? sockets) => new()
    {
        Name = name,
        Image = egress.Image,
        User = "root",
        Env =
        [
            $"BOTBOTTLE_SQUID_CONF={squidConf}",
            $"BOTBOTTLE_FIREWALL={firewall}",
            $"BOTBOTTLE_FIREWALL6={SidecarFirewall.RenderV6()}",
            $"BOTBOTTLE_CREDENTIAL_PATTERNS={CredentialPatterns.ToScannerFile()}",
            string.Create(CultureInfo.InvariantCulture, $"BOTBOTTLE_SCAN_MAX_BODY={egress.MaxScannedBody}"),
            .. sockets is null ? [] : (string[])[$"BOTBOTTLE_SOCKETS={EgressSockets.SidecarRelays(SubnetPool.AddressIn(network.Subnet, EgressSidecars.ProxyOffset), egress)}"],
        ],
        Labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [EgressSidecars.ForLabel] = "sidecar",
            [OwnerProcess.Label] = OwnerProcess.ThisProcess,
        },
        HostConfig = new HostConfig
        {
            NetworkMode = network.Name,
            CapDrop = ["ALL"],
            // For the start step only: the filter (NET_ADMIN, NET_RAW for iptables) and the switch to
            // the proxy user (SETUID, SETGID) with an empty bounding set (SETPCAP); Squid and the
            // scanner run with none of them.
            CapAdd = ["NET_ADMIN", "NET_RAW", "SETUID", "SETGID", "SETPCAP"],
            SecurityOpt = ["no-new-privileges"],
            Memory = 256L * 1024 * 1024,
            PidsLimit = 128,
            LogConfig = BottleContainerSpec.Logs(bottles),
            Mounts = sockets is null ? [] : [new Mount { Type = "bind", Source = sockets, Target = EgressSockets.MountPath }],
            // An allowlisted host alias (a model server on the host) resolves to the host as seen from outside.
            ExtraHosts = outside.Gateway is { Length: > 0 } hostGateway ? [$"{bottles.HostAlias}:{hostGateway}"] : [],
        },
        NetworkingConfig = new NetworkingConfig
        {
            EndpointsConfig = new Dictionary<string, EndpointSettings>(StringComparer.Ordinal)
            {
                [network.Name] = new()
                {
                    IPAMConfig = new EndpointIPAMConfig { IPv4Address = SubnetPool.AddressIn(network.Subnet, EgressSidecars.ProxyOffset) },
                },
            },
        },
    };
}
