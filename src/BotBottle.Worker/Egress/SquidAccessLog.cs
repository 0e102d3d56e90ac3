using System.Globalization;

namespace BotBottle.Worker.Egress;

/// <summary>One line of a sidecar's access log, in <see cref="SquidConfig"/>'s format.</summary>
public sealed record SquidLogEntry(DateTimeOffset At, string Result, int Status, string Method, string Host, int Port, string? Credential)
{
    /// <summary>
    /// Squid refused it (allowlist, forbidden address, tunnel port) or the credential scanner did
    /// (it names its verdict), as opposed to an upstream failure.
    /// </summary>
    public bool IsDenied => Result.StartsWith("TCP_DENIED", StringComparison.Ordinal) || Credential is not null;

    public long UnixMilliseconds => At.ToUnixTimeMilliseconds();
}

/// <summary>Reads the access-log lines <see cref="SquidConfig"/> asks Squid to write.</summary>
public static class SquidAccessLog
{
    /// <summary>
    /// "BOTBOTTLE 1795630739.196 TCP_DENIED/403 GET host 8080 anthropic-api-key -"; null for anything
    /// else (Squid's own messages share the stream).
    /// </summary>
    public static SquidLogEntry? TryParse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 8 || fields[0] != SquidConfig.LogTag)
        {
            return null;
        }

        var resultAndStatus = fields[2].Split('/');
        if (!decimal.TryParse(fields[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || resultAndStatus.Length != 2
            || !int.TryParse(resultAndStatus[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            || !int.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        var credential = fields[6] != "-" ? fields[6] : fields[7] != "-" ? fields[7] : null;
        return new SquidLogEntry(at, resultAndStatus[0], status, fields[3], fields[4], port, credential);
    }
}
