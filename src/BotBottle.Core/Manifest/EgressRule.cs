using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BotBottle.Core.Manifest;

/// <summary>
/// One allowlisted egress destination: an exact host ("api.anthropic.com") or a wildcard
/// ("*.github.com", which matches subdomains but not github.com itself), optionally pinned to a port.
/// </summary>
public sealed partial record EgressRule
{
    private const int MaxHostLength = 253;

    private EgressRule(string host, int? port)
    {
        Host = host;
        Port = port;
    }

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

        var candidate = host.TrimEnd('.').ToLowerInvariant();
        return IsWildcard
            ? candidate.EndsWith(Host[1..], StringComparison.Ordinal) && candidate.Length > Host.Length - 1
            : candidate == Host;
    }

    public override string ToString() =>
        Port is null ? Host : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    public static EgressRule Parse(string text) =>
        TryParse(text, out var rule, out var error) ? rule : throw new FormatException(error);

    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out EgressRule? rule,
        [NotNullWhen(false)] out string? error)
    {
        rule = null;
        var entry = (text ?? "").Trim();
        error = Validate(entry, out var host, out var port);
        if (error is not null)
        {
            return false;
        }

        rule = new EgressRule(host, port);
        return true;
    }

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
