using System.Globalization;
using System.Text;

namespace BotBottle.Core.Labels;

/// <summary>Classifies characters a label may not contain, with names an operator will recognise.</summary>
internal static class CharacterNames
{
    internal sealed record ForbiddenKind(string Noun, string Reason)
    {
        public string Description(Rune rune) =>
            CharacterNames.Name(rune) is { } name
                ? string.Create(CultureInfo.InvariantCulture, $"{Noun} (U+{rune.Value:X4} {name})")
                : string.Create(CultureInfo.InvariantCulture, $"{Noun} (U+{rune.Value:X4})");
    }

    private static readonly ForbiddenKind Escape =
        new("a control character", "escape sequences are not allowed");

    private static readonly ForbiddenKind Control =
        new("a control character", "control characters are not allowed");

    private static readonly ForbiddenKind Bidi =
        new("a bidirectional control character", "it can make the label display differently from what it contains");

    private static readonly ForbiddenKind LineBreak =
        new("a line separator", "labels must fit on one line");

    private static readonly ForbiddenKind Invisible =
        new("an invisible formatting character", "it can hide or disguise text");

    private static readonly string[] C0Names =
    [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR", "SO", "SI",
        "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
    ];

    private static readonly Dictionary<int, string> OtherNames = new()
    {
        [0x7F] = "DEL",
        [0x85] = "NEL",
        [0x90] = "DCS",
        [0x9B] = "CSI",
        [0x9C] = "ST",
        [0x9D] = "OSC",
        [0x200B] = "ZERO WIDTH SPACE",
        [0x2028] = "LINE SEPARATOR",
        [0x2029] = "PARAGRAPH SEPARATOR",
        [0x202A] = "LEFT-TO-RIGHT EMBEDDING",
        [0x202B] = "RIGHT-TO-LEFT EMBEDDING",
        [0x202C] = "POP DIRECTIONAL FORMATTING",
        [0x202D] = "LEFT-TO-RIGHT OVERRIDE",
        [0x202E] = "RIGHT-TO-LEFT OVERRIDE",
        [0x2066] = "LEFT-TO-RIGHT ISOLATE",
        [0x2067] = "RIGHT-TO-LEFT ISOLATE",
        [0x2068] = "FIRST STRONG ISOLATE",
        [0x2069] = "POP DIRECTIONAL ISOLATE",
        [0xFEFF] = "ZERO WIDTH NO-BREAK SPACE",
    };

    /// <summary>Returns why <paramref name="rune"/> is forbidden in a label, or null when it is allowed.</summary>
    public static ForbiddenKind? Classify(Rune rune)
    {
        // ESC and CSI start terminal escape sequences, the main thing this check exists to stop.
        if (rune.Value is 0x1B or 0x9B)
        {
            return Escape;
        }

        if (IsBidiControl(rune.Value))
        {
            return Bidi;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control => Control,
            UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => LineBreak,
            // Joiners are needed by emoji sequences and several scripts; other format characters
            // (zero-width spaces, tag characters used to smuggle hidden text) are not.
            UnicodeCategory.Format when !IsJoiner(rune.Value) => Invisible,
            _ => null,
        };
    }

    public static string? Name(Rune rune) => rune.Value switch
    {
        < 0x20 => C0Names[rune.Value],
        _ => OtherNames.GetValueOrDefault(rune.Value),
    };

    // Embeddings, overrides and isolates (the "Trojan Source" characters).
    private static bool IsBidiControl(int value) => value is (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);

    private static bool IsJoiner(int value) => value is 0x200C or 0x200D;
}
