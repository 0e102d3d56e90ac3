using System.Globalization;
using System.Text.RegularExpressions;

namespace BotBottle.Core.Manifest;

/// <summary>
/// Parses Docker-style memory sizes ("512m", "2g", "1.5GiB", "1073741824").
/// Units are binary (k = 1024) because that is what Docker means by them.
/// </summary>
public static partial class MemorySize
{
    private static readonly Dictionary<string, long> Multipliers = new(StringComparer.Ordinal)
    {
        [""] = 1,
        ["b"] = 1,
        ["k"] = 1L << 10, ["kb"] = 1L << 10, ["kib"] = 1L << 10,
        ["m"] = 1L << 20, ["mb"] = 1L << 20, ["mib"] = 1L << 20,
        ["g"] = 1L << 30, ["gb"] = 1L << 30, ["gib"] = 1L << 30,
        ["t"] = 1L << 40, ["tb"] = 1L << 40, ["tib"] = 1L << 40,
    };

    public const string Hint = "use a number with an optional unit b, k, m, g or t (e.g. 512m, 2g)";

    /// <summary>A positive size from the configuration setting <paramref name="setting"/>; a bad one stops with the setting's name.</summary>
    public static long ParseSetting(string? text, string setting) =>
        TryParse(text, out var bytes) && bytes > 0
            ? bytes
            : throw new InvalidOperationException($"{setting} is '{text}'; {Hint}");

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var match = SizePattern().Match((text ?? "").Trim().ToLowerInvariant());
        if (!match.Success || !Multipliers.TryGetValue(match.Groups["unit"].Value, out var multiplier))
        {
            return false;
        }

        if (!decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        decimal total;
        try
        {
            total = decimal.Floor(number * multiplier);
        }
        catch (OverflowException)
        {
            return false;
        }

        if (total <= 0 || total > long.MaxValue)
        {
            return false;
        }

        bytes = (long)total;
        return true;
    }

    public static long Parse(string text) =>
        TryParse(text, out var bytes) ? bytes : throw new FormatException($"invalid memory size '{text}'; {Hint}");

    [GeneratedRegex(@"^(?<number>\d+(?:\.\d+)?)\s*(?<unit>[a-z]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();
}
