using BotBottle.Core.Colors;
using BotBottle.Core.Labels;
using BotBottle.Web.Agents;

namespace BotBottle.Web.Tests.Dashboard;

public sealed class AnsiPaletteTests
{
    public static TheoryData<string> Colors() => [.. AnsiColor.Names];

    [Theory]
    [MemberData(nameof(Colors))]
    public void Every_ansi_colour_has_a_style_and_bright_ones_are_bold(string color)
    {
        var style = AnsiPalette.StyleOf(color)!;

        Assert.Matches("^#[0-9a-f]{6}$", style.Css);
        Assert.Equal(color.StartsWith("bright-", StringComparison.Ordinal), style.Bold);
        Assert.Contains($"color:{style.Css}", style.Inline, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Colors))]
    public void Every_label_colour_is_readable_on_the_dark_theme(string color)
    {
        var style = AnsiPalette.StyleOf(color)!;

        // Black would vanish on the dark background: it gets a light box and an outline instead.
        var background = style.Outlined ? "#ffffff" : "#32333d";
        Assert.True(Contrast(style.Css, background) >= 3.0, $"{color} ({style.Css}) on {background}: contrast {Contrast(style.Css, background):F2}");
    }

    [Theory]
    [MemberData(nameof(Colors))]
    public void Every_label_colour_is_readable_on_the_light_theme(string color)
    {
        var style = AnsiPalette.StyleOf(color, dark: false)!;

        var background = style.Outlined ? style.Box : "#ffffff";
        Assert.True(Contrast(style.Css, background) >= 3.0, $"{color} ({style.Css}) on {background}: contrast {Contrast(style.Css, background):F2}");
        Assert.Equal(color.StartsWith("bright-", StringComparison.Ordinal), style.Bold);
    }

    [Fact]
    public void Only_black_is_outlined()
    {
        Assert.Equal(["black"], AnsiColor.Names.Where(n => AnsiPalette.StyleOf(n)!.Outlined));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("purple")]
    public void No_or_unknown_colour_draws_in_the_theme_colour(string? color)
    {
        Assert.Null(AnsiPalette.StyleOf(color));
    }

    [Fact]
    public void The_label_message_the_form_shows_names_the_limit()
    {
        var check = LabelRules.Validate(new string('€', 22), "claude");

        Assert.False(check.IsValid);
        Assert.Equal(66, check.Utf8ByteCount);
        Assert.Contains("64", check.Error, StringComparison.Ordinal);
    }

    /// <summary>WCAG 2 contrast ratio of two sRGB colours.</summary>
    private static double Contrast(string a, string b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Luminance(string hex)
    {
        double Channel(int offset)
        {
            var c = Convert.ToInt32(hex.Substring(offset, 2), 16) / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel(1)) + (0.7152 * Channel(3)) + (0.0722 * Channel(5));
    }
}
