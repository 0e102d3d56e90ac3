using BotBottle.Core.Colors;

namespace BotBottle.Core.Tests.Colors;

public sealed class AnsiColorTests
{
    [Fact]
    public void Palette_has_exactly_the_sixteen_prd_names_in_ansi_order()
    {
        Assert.Equal(
            [
                "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
                "bright-black", "bright-red", "bright-green", "bright-yellow",
                "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
            ],
            AnsiColor.Names);
    }

    [Theory]
    [InlineData("red", "red")]
    [InlineData("  Bright-Cyan ", "bright-cyan")]
    [InlineData("MAGENTA", "magenta")]
    public void Input_is_trimmed_and_case_insensitive(string input, string expected)
    {
        var result = AnsiColor.Parse(input);

        Assert.Equal(new ColorParseResult(expected, null), result);
        Assert.True(result.HasColor);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_input_means_no_colour_without_a_warning(string? input)
    {
        Assert.Equal(new ColorParseResult("", null), AnsiColor.Parse(input));
    }

    [Fact]
    public void Unknown_name_becomes_no_colour_and_the_caller_is_warned()
    {
        var result = AnsiColor.Parse(" Purple ");

        Assert.Equal("", result.Color);
        Assert.False(result.HasColor);
        Assert.Equal(
            "unknown colour 'Purple' ignored; choose one of: black, red, green, yellow, blue, magenta, cyan, white, bright-black, bright-red, bright-green, bright-yellow, bright-blue, bright-magenta, bright-cyan, bright-white",
            result.Warning);
    }

    [Theory]
    [InlineData("black", 0, false)]
    [InlineData("red", 1, false)]
    [InlineData("green", 2, false)]
    [InlineData("yellow", 3, false)]
    [InlineData("blue", 4, false)]
    [InlineData("magenta", 5, false)]
    [InlineData("cyan", 6, false)]
    [InlineData("white", 7, false)]
    [InlineData("bright-black", 0, true)]
    [InlineData("bright-yellow", 3, true)]
    [InlineData("bright-white", 7, true)]
    public void Base_index_and_brightness_follow_the_ansi_table(string name, int index, bool bright)
    {
        Assert.Equal(index, AnsiColor.BaseIndex(name));
        Assert.Equal(bright, AnsiColor.IsBright(name));
    }

    [Theory]
    [InlineData("red", "31", "\u001b[31m")]
    [InlineData("white", "37", "\u001b[37m")]
    [InlineData("bright-red", "1;31", "\u001b[1;31m")]
    [InlineData("bright-black", "1;30", "\u001b[1;30m")]
    public void Bright_colours_are_bold_plus_the_base_code(string name, string sgr, string escape)
    {
        Assert.Equal(sgr, AnsiColor.SgrParameters(name));
        Assert.Equal(escape, AnsiColor.EscapeSequence(name));
    }

    [Theory]
    [InlineData("purple")]
    [InlineData("")]
    [InlineData("Red")]
    public void Palette_queries_reject_names_outside_the_palette(string name)
    {
        Assert.Throws<ArgumentException>(() => AnsiColor.BaseIndex(name));
        Assert.Throws<ArgumentException>(() => AnsiColor.IsBright(name));
        Assert.Throws<ArgumentException>(() => AnsiColor.SgrParameters(name));
    }

    [Fact]
    public void Colorize_wraps_text_in_the_escape_and_a_reset()
    {
        Assert.Equal("\u001b[1;32mbilling\u001b[0m", AnsiColor.Colorize("billing", "bright-green"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("purple")]
    public void Colorize_returns_plain_text_without_a_usable_colour(string? color)
    {
        Assert.Equal("billing", AnsiColor.Colorize("billing", color));
    }

    [Fact]
    public void Colorize_leaves_empty_text_empty()
    {
        Assert.Equal("", AnsiColor.Colorize("", "red"));
    }

    [Fact]
    public void Is_known_accepts_only_stored_spellings()
    {
        Assert.True(AnsiColor.IsKnown("bright-blue"));
        Assert.False(AnsiColor.IsKnown("Bright-Blue"));
        Assert.False(AnsiColor.IsKnown(""));
        Assert.False(AnsiColor.IsKnown(null));
    }
}
