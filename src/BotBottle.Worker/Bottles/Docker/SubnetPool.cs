using System.Net;
using System.Net.Sockets;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Carves one small subnet per bottle network out of a configured pool. Docker's default pools
/// hand out a /16 or /20 per network and run dry after about thirty networks; bottles need a
/// handful of addresses each (the agent, its gateway, sidecars), so a /28 apiece lets one engine
/// host thousands.
/// </summary>
public sealed class SubnetPool
{
    private readonly uint _first;
    private readonly uint _count;
    private readonly int _prefix;

    public SubnetPool(string pool, int prefixLength)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pool);
        var (network, poolPrefix) = ParseCidr(pool);
        if (prefixLength < poolPrefix || prefixLength > 29)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, $"a bottle subnet must be between /{poolPrefix} and /29 inside {pool} (a bottle network holds the gateway, the egress proxy and the bottle)");
        }

        _prefix = prefixLength;
        _first = network;
        _count = 1u << (prefixLength - poolPrefix);
    }

    /// <summary>How many bottle subnets the pool holds.</summary>
    public long Capacity => _count;

    /// <summary>
    /// The first subnet of the pool that overlaps none of <paramref name="taken"/> (CIDR strings of
    /// the engine's networks, of any size; IPv6 ones and unparsable ones are ignored), or null when
    /// the pool is full.
    /// </summary>
    public string? NextFree(IReadOnlySet<string> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        var others = taken.Select(TryParseCidr).OfType<(uint Network, int Prefix)>().ToList();
        var size = 1u << (32 - _prefix);
        for (uint i = 0; i < _count; i++)
        {
            var start = _first + (i * size);
            if (!others.Any(other => Overlap(start, _prefix, other.Network, other.Prefix)))
            {
                return Format(start, _prefix);
            }
        }

        return null;
    }

    /// <summary>Two aligned networks overlap exactly when the wider one contains the other's start.</summary>
    private static bool Overlap(uint a, int aPrefix, uint b, int bPrefix)
    {
        var prefix = Math.Min(aPrefix, bPrefix);
        var mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        return (a & mask) == (b & mask);
    }

    private static (uint Network, int Prefix)? TryParseCidr(string cidr)
    {
        try
        {
            return ParseCidr(cidr, minimumPrefix: 0);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The bridge's own address in <paramref name="subnet"/> (its first host address). Docker does
    /// not report a gateway it chose for a subnet given to it, so the Worker names it itself.
    /// </summary>
    public static string GatewayOf(string subnet) => AddressIn(subnet, 1);

    /// <summary>The <paramref name="offset"/>-th address of <paramref name="subnet"/> (1 is the gateway).</summary>
    public static string AddressIn(string subnet, int offset)
    {
        var (network, _) = ParseCidr(subnet);
        return Format(network + (uint)offset, 32)[..^3];
    }

    /// <summary>Whether <paramref name="address"/> lies in the IPv4 network <paramref name="cidr"/>.</summary>
    public static bool Contains(string cidr, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var (network, prefix) = ParseCidr(cidr);
        return new IPNetwork(new IPAddress(ToBytes(network)), prefix).Contains(address);
    }

    private static byte[] ToBytes(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static (uint Network, int Prefix) ParseCidr(string cidr, int minimumPrefix = 8)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0
            || !IPAddress.TryParse(cidr[..slash], out var address)
            || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var prefix)
            || prefix < minimumPrefix || prefix > 32)
        {
            throw new FormatException($"'{cidr}' is not an IPv4 network such as 10.213.0.0/16");
        }

        var bytes = address.GetAddressBytes();
        var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        return (value & mask, prefix);
    }

    private static string Format(uint value, int prefix) =>
        $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}/{prefix}";
}
