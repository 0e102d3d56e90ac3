using BotBottle.Core.Colors;

namespace BotBottle.Web.Agents;

/// <summary>How a label in one of the 16 ANSI colours is drawn on the dashboard.</summary>
/// <param name="Css">Text colour, readable on the theme's background.</param>
/// <param name="Bold">The bright variants are drawn bold, as terminals draw them.</param>
/// <param name="Outlined">Colours too close to the background get an outline so the label stays readable.</param>
public sealed record LabelStyle(string Css, bool Bold, bool Outlined)
{
    public string Inline => $"color:{Css};{(Bold ? "font-weight:700;" : "")}{(Outlined ? "outline:1px solid currentColor;outline-offset:1px;padding:0 4px;border-radius:3px;background:#ffffff;" : "")}";
}

/// <summary>
/// The 16 ANSI colours mapped to the dashboard's (dark) theme: hues close to the usual terminal
/// palette, lightened where the plain one would vanish on dark grey. Colour is never the only cue:
/// the label text is always shown.
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

    /// <summary>The style for <paramref name="color"/>; null for no (or an unknown) colour, drawn in the theme's text colour.</summary>
    public static LabelStyle? StyleOf(string? color) =>
        color is not null && Dark.TryGetValue(color, out var css)
            ? new LabelStyle(css, AnsiColor.IsBright(color), Outlined: color == "black")
            : null;
}
