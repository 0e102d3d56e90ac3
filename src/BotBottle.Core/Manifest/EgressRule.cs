using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace BotBottle.Core.Manifest;

/// <summary>
/// One allowlisted egress destination: an exact host ("api.anthropic.com"), a wildcard
/// ("*.github.com", which matches subdomains but not github.com itself), or an address or network
/// ("10.0.5.7", "10.0.5.0/24"), optionally pinned to a port. An address or network entry is also
/// what lets a bottle reach private address space there (an internal Git server): private,
/// loopback, link-local and reserved ranges are refused otherwise, whatever a name resolves to.
/// </summary>
public sealed partial record EgressRule
{
    private const int MaxHostLength = 253;

    private EgressRule(string host, int? port, IPNetwork? network = null)
    {
        Host = host;
        Port = port;
        Network = network;
    }

    /// <summary>The address range of an address or network entry; null for host names.</summary>
    public IPNetwork? Network { get; }

    /// <summary>Lowercased host pattern, including the leading "*." for wildcards.</summary>
    public string Host { get; }

    /// <summary>Allowed port, or null for any port.</summary>
    public int? Port { get; }

    public bool IsWildcard => Host.StartsWith("*.", StringComparison.Ordinal);

    public bool Matches(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (Port is { } allowed && allowed != port)
        {
            return false;
        }

        if (Network is { } network)
        {
            return IPAddress.TryParse(host.Trim('[', ']'), out var address) && network.Contains(address);
        }

        var candidate = host.TrimEnd('.').ToLowerInvariant();
        return IsWildcard
            ? candidate.EndsWith(Host[1..], StringComparison.Ordinal) && candidate.Length > Host.Length - 1
            : candidate == Host;
    }

    public override string ToString() =>
        Port is null ? Host : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    /// <summary>The host and port <paramref name="url"/> connects to, as a rule; null when they make none (no host, an invalid name).</summary>
    public static EgressRule? ForEndpointOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return TryParse(string.Create(CultureInfo.InvariantCulture, $"{url.IdnHost}:{url.Port}"), out var rule, out _) ? rule : null;
    }

    public static EgressRule Parse(string text) =>
        TryParse(text, out var rule, out var error) ? rule : throw new FormatException(error);

    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out EgressRule? rule,
        [NotNullWhen(false)] out string? error)
    {
        rule = null;
        var entry = (text ?? "").Trim();
        if (TryParseNetwork(entry, out rule, out error))
        {
            return error is null;
        }

        error = Validate(entry, out var host, out var port);
        if (error is not null)
        {
            return false;
        }

        rule = new EgressRule(host, port);
        return true;
    }

    /// <summary>
    /// True when <paramref name="entry"/> is an address or network ("10.0.5.7", "10.0.5.0/24:443",
    /// "fd00::/8"), with the rule or, for a malformed one, the error.
    /// </summary>
    private static bool TryParseNetwork(string entry, out EgressRule? rule, out string? error)
    {
        rule = null;
        error = null;
        var text = entry;
        int? port = null;
        // A port follows IPv4 forms only: in IPv6 the colon is part of the address.
        var colon = text.LastIndexOf(':');
        if (colon > 0 && text.IndexOf(':', StringComparison.Ordinal) == colon)
        {
            if (int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= 65535)
            {
                port = parsed;
            }

            text = text[..colon];
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!LooksLikeAddress(addressText) || !IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }

        if (colon > 0 && port is null && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            error = $"egress entry '{entry}' has an invalid port; ports are 1-65535";
            return true;
        }

        var maxPrefix = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var prefix = maxPrefix;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix))
        {
            error = $"egress entry '{entry}' has an invalid prefix length; use 0-{maxPrefix} (e.g. 10.0.5.0/24)";
            return true;
        }

        if (!IPNetwork.TryParse(string.Create(CultureInfo.InvariantCulture, $"{address}/{prefix}"), out var network) || !network.BaseAddress.Equals(address))
        {
            error = $"egress entry '{entry}' is not a network: its address has bits set past the prefix (e.g. 10.0.5.0/24, not 10.0.5.1/24)";
            return true;
        }

        var canonical = prefix == maxPrefix ? address.ToString() : network.ToString();
        rule = new EgressRule(canonical, port, network);
        return true;
    }

    private static bool LooksLikeAddress(string text) =>
        (text.Contains(':', StringComparison.Ordinal) && !text.Contains('[', StringComparison.Ordinal)) || (text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c == '.'));

    private static string? Validate(string entry, out string host, out int? port)
    {
        host = "";
        port = null;
        if (entry.Length == 0)
        {
            return "egress entry is empty";
        }

        if (entry.Contains("://", StringComparison.Ordinal) || entry.Contains('/', StringComparison.Ordinal))
        {
            return $"egress entry '{entry}' looks like a URL; give a host name such as api.github.com, optionally with :port";
        }

        var colon = entry.LastIndexOf(':');
        var hostPart = colon < 0 ? entry : entry[..colon];
        if (colon >= 0)
        {
            var portText = entry[(colon + 1)..];
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 65535)
            {
                return $"egress entry '{entry}' has an invalid port '{portText}'; ports are 1-65535";
            }

            port = parsed;
        }

        host = hostPart.TrimEnd('.').ToLowerInvariant();
        return host.StartsWith("*.", StringComparison.Ordinal)
            ? ValidateWildcard(entry, host[2..])
            : ValidateHostName(entry, host);
    }

    private static string? ValidateWildcard(string entry, string suffix)
    {
        if (ValidateHostName(entry, suffix) is { } error)
        {
            return error;
        }

        // "*.com" would open a whole top-level domain; demand a registrable-looking suffix.
        return suffix.Contains('.', StringComparison.Ordinal)
            ? null
            : $"egress wildcard '{entry}' is too broad; use at least two labels after '*.' (e.g. *.github.com)";
    }

    private static string? ValidateHostName(string entry, string host)
    {
        if (host.Contains('*', StringComparison.Ordinal))
        {
            return $"egress entry '{entry}' has a misplaced '*'; wildcards are only allowed as a leading '*.' (e.g. *.github.com)";
        }

        if (host.Length == 0 || host.Length > MaxHostLength || !host.Split('.').All(HostLabel().IsMatch))
        {
            return $"egress entry '{entry}' is not a valid host name; use letters, digits, '-' and '.' (e.g. api.github.com or *.github.com:443)";
        }

        return null;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostLabel();
}
