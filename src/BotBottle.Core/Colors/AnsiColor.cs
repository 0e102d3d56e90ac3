using System.Globalization;

namespace BotBottle.Core.Colors;

/// <summary>
/// The 16-colour ANSI palette by name. Colours travel as names ("bright-cyan") because that is what
/// metadata.json and claude.json store; "" means "terminal default".
/// </summary>
public static class AnsiColor
{
    public const string None = "";

    /// <summary>Select Graphic Rendition reset: back to the terminal's default colours and weight.</summary>
    public const string Reset = "\u001b[0m";

    private const string BrightPrefix = "bright-";

    private static readonly string[] BaseNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

    /// <summary>All 16 names: the eight base colours, then their bright variants.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. BaseNames, .. BaseNames.Select(n => BrightPrefix + n)];

    /// <summary>
    /// Normalises operator input. Unknown names become <see cref="None"/> rather than an error, so a typo
    /// never blocks starting a bottle, but the caller gets a warning to show.
    /// </summary>
    public static ColorParseResult Parse(string? input)
    {
        var name = (input ?? "").Trim().ToLowerInvariant();
        if (name.Length == 0)
        {
            return new ColorParseResult(None, null);
        }

        return IsKnown(name)
            ? new ColorParseResult(name, null)
            : new ColorParseResult(None, $"unknown colour '{input!.Trim()}' ignored; choose one of: {string.Join(", ", Names)}");
    }

    /// <summary>True for one of the 16 names exactly as stored (lowercase, no padding).</summary>
    public static bool IsKnown(string? name) => name is not null && Names.Contains(name, StringComparer.Ordinal);

    public static bool IsBright(string name) =>
        RequireKnown(name).StartsWith(BrightPrefix, StringComparison.Ordinal);

    /// <summary>0..7 in ANSI order (black, red, green, yellow, blue, magenta, cyan, white); bright variants share their base's index.</summary>
    public static int BaseIndex(string name)
    {
        var known = RequireKnown(name);
        var baseName = known.StartsWith(BrightPrefix, StringComparison.Ordinal) ? known[BrightPrefix.Length..] : known;
        return Array.IndexOf(BaseNames, baseName);
    }

    /// <summary>
    /// SGR parameters: "31" for red, "1;31" for bright-red. Bright is rendered as bold + base colour,
    /// like curses' A_BOLD, because that works on terminals without aixterm's 90-97 codes.
    /// </summary>
    public static string SgrParameters(string name)
    {
        var code = string.Create(CultureInfo.InvariantCulture, $"3{BaseIndex(name)}");
        return IsBright(name) ? "1;" + code : code;
    }

    public static string EscapeSequence(string name) => $"\u001b[{SgrParameters(name)}m";

    /// <summary>
    /// Wraps <paramref name="text"/> in the colour's escape and a reset. Returns the text unchanged for
    /// "" or an unrecognised name: stored colours may come from other versions, and display must not fail.
    /// </summary>
    public static string Colorize(string text, string? color)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parsed = Parse(color);
        return parsed.Color.Length == 0 || text.Length == 0
            ? text
            : EscapeSequence(parsed.Color) + text + Reset;
    }

    private static string RequireKnown(string name) =>
        IsKnown(name)
            ? name
            : throw new ArgumentException($"'{name}' is not one of the 16 ANSI colour names: {string.Join(", ", Names)}", nameof(name));
}
