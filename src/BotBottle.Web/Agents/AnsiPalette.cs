using BotBottle.Core.Colors;

namespace BotBottle.Web.Agents;

/// <summary>How a label in one of the 16 ANSI colours is drawn on the dashboard.</summary>
/// <param name="Css">Text colour, readable on the theme's background.</param>
/// <param name="Bold">The bright variants are drawn bold, as terminals draw them.</param>
/// <param name="Outlined">Colours too close to the background get an outline so the label stays readable.</param>
/// <param name="Box">The background of the outlined box: light behind black on the dark theme, dark behind white and yellow on the light one.</param>
public sealed record LabelStyle(string Css, bool Bold, bool Outlined, string Box = "#ffffff")
{
    public string Inline => $"color:{Css};{(Bold ? "font-weight:700;" : "")}{(Outlined ? $"outline:1px solid currentColor;outline-offset:1px;padding:0 4px;border-radius:3px;background:{Box};" : "")}";
}

/// <summary>
/// The 16 ANSI colours mapped to the dashboard's dark and light themes: hues close to the usual
/// terminal palette, adjusted (or boxed) where the plain one would vanish on the background.
/// Colour is never the only cue: the label text is always shown.
/// </summary>
public static class AnsiPalette
{
    private static readonly Dictionary<string, string> Dark = new(StringComparer.Ordinal)
    {
        ["black"] = "#1e1e1e",
        ["red"] = "#f2545b",
        ["green"] = "#4fc46b",
        ["yellow"] = "#e5c453",
        ["blue"] = "#5b9cf2",
        ["magenta"] = "#c874e0",
        ["cyan"] = "#45c8d8",
        ["white"] = "#d4d4d4",
        ["bright-black"] = "#9a9a9a",
        ["bright-red"] = "#ff7b80",
        ["bright-green"] = "#7deb94",
        ["bright-yellow"] = "#fff07a",
        ["bright-blue"] = "#8ec0ff",
        ["bright-magenta"] = "#ff8cff",
        ["bright-cyan"] = "#7ff3ff",
        ["bright-white"] = "#ffffff",
    };

    private static readonly Dictionary<string, string> Light = new(StringComparer.Ordinal)
    {
        ["black"] = "#1e1e1e",
        ["red"] = "#b3261e",
        ["green"] = "#1b7a36",
        ["yellow"] = "#f2c744",
        ["blue"] = "#1f5fbf",
        ["magenta"] = "#8e2fa8",
        ["cyan"] = "#0b7285",
        ["white"] = "#e6e6e6",
        ["bright-black"] = "#5c5c5c",
        ["bright-red"] = "#d32f2f",
        ["bright-green"] = "#2e9e4f",
        ["bright-yellow"] = "#ffe566",
        ["bright-blue"] = "#2f6fe0",
        ["bright-magenta"] = "#b236d6",
        ["bright-cyan"] = "#0f8fa3",
        ["bright-white"] = "#ffffff",
    };

    /// <summary>On the light theme these vanish on white; they are drawn in a dark box instead.</summary>
    private static readonly HashSet<string> BoxedOnLight = new(StringComparer.Ordinal) { "white", "bright-white", "yellow", "bright-yellow" };

    /// <summary>The style for <paramref name="color"/> on the dark (default) or light theme; null for no (or an unknown) colour, drawn in the theme's text colour.</summary>
    public static LabelStyle? StyleOf(string? color, bool dark = true)
    {
        if (color is null || !(dark ? Dark : Light).TryGetValue(color, out var css))
        {
            return null;
        }

        return dark
            ? new LabelStyle(css, AnsiColor.IsBright(color), Outlined: color == "black")
            : new LabelStyle(css, AnsiColor.IsBright(color), Outlined: BoxedOnLight.Contains(color), Box: "#2a2a3a");
    }
}
