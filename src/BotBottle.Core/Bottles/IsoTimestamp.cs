using System.Globalization;

namespace BotBottle.Core.Bottles;

/// <summary>
/// Reads and writes timestamps the way Python's <c>datetime.isoformat()</c> does, because
/// metadata.json is shared with the Python prototype.
/// </summary>
public static class IsoTimestamp
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ssK",
    ];

    /// <summary>
    /// Parses an ISO-8601 timestamp. Python writes naive timestamps (no offset) for
    /// <c>datetime.now()</c>; those are local wall-clock time of the machine that wrote them,
    /// so they are read in <paramref name="naiveZone"/> (default: this machine's local zone).
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset value, TimeZoneInfo? naiveZone = null)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (!DateTime.TryParseExact(text.Trim(), Formats, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
        {
            return false;
        }

        value = parsed.Kind switch
        {
            DateTimeKind.Unspecified => InZone(parsed, naiveZone ?? TimeZoneInfo.Local),
            DateTimeKind.Utc => new DateTimeOffset(parsed, TimeSpan.Zero),
            _ => ParseWithOffset(text.Trim()),
        };
        return true;
    }

    public static DateTimeOffset Parse(string text, TimeZoneInfo? naiveZone = null) =>
        TryParse(text, out var value, naiveZone)
            ? value
            : throw new FormatException($"'{text}' is not an ISO-8601 timestamp such as 2026-06-03T14:02:11+00:00");

    /// <summary>Formats like Python's <c>isoformat()</c>: microseconds only when non-zero, offset as +HH:MM.</summary>
    public static string Format(DateTimeOffset value)
    {
        var microseconds = value.Ticks % TimeSpan.TicksPerSecond / 10;
        var pattern = microseconds == 0 ? "yyyy-MM-dd'T'HH:mm:sszzz" : "yyyy-MM-dd'T'HH:mm:ss.ffffffzzz";
        return value.ToString(pattern, CultureInfo.InvariantCulture);
    }

    // DateTime parsing with a "+02:00" offset converts to the local zone and loses the offset; re-read it.
    private static DateTimeOffset ParseWithOffset(string text) =>
        DateTimeOffset.ParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None);

    private static DateTimeOffset InZone(DateTime wallClock, TimeZoneInfo zone) =>
        new(wallClock, zone.GetUtcOffset(wallClock));
}
