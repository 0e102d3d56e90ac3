using BotBottle.Worker.Bottles.Docker;

namespace BotBottle.Worker.Egress;

/// <summary>
/// Where a bottle reaches its sidecar's three ports (the forward proxy, the harness API, the Git
/// remote): at the sidecar's address on the bottle's network, or, for a bottle without a network
/// device, on its own loopback, where relays lead to the sidecar through Unix sockets
/// (<see cref="EgressSockets"/>). The ports are the same either way.
/// </summary>
public sealed record EgressPath(string ProxyUrl, Uri HarnessApiUrl, Uri GitRemoteUrl)
{
    /// <summary>A bottle on <paramref name="network"/>, beside its sidecar.</summary>
    public static EgressPath OnNetwork(BottleNetwork network, EgressOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Via(SubnetPool.AddressIn(network.Subnet, EgressSidecars.ProxyOffset), options);
    }

    /// <summary>A bottle with no network device: its loopback relays, which lead to the sidecar's sockets.</summary>
    public static EgressPath ThroughSockets(EgressOptions options) => Via(EgressSockets.BottleAddress, options);

    private static EgressPath Via(string host, EgressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EgressPath(
            $"http://{host}:{options.ProxyPort}",
            new Uri($"http://{host}:{options.HarnessApiPort}"),
            new Uri($"http://{host}:{options.GitRemotePort}/"));
    }
}
