using BotBottle.Core.Labels;

namespace BotBottle.Core.Tests.Labels;

public sealed class LabelRulesTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Blank_input_takes_the_agent_key(string? input)
    {
        var result = LabelRules.Validate(input, "implementer");

        Assert.True(result.IsValid);
        Assert.Equal("implementer", result.Label);
        Assert.Equal(11, result.Utf8ByteCount);
    }

    [Fact]
    public void Input_is_trimmed()
    {
        var result = LabelRules.Validate("  billing fix \n", "implementer");

        Assert.Equal("billing fix", result.Label);
        Assert.Null(result.Error);
    }

    [Fact]
    public void Exactly_64_ascii_bytes_is_accepted()
    {
        var result = LabelRules.Validate(new string('a', 64), "x");

        Assert.True(result.IsValid);
        Assert.Equal(64, result.Utf8ByteCount);
    }

    [Fact]
    public void Label_longer_than_64_bytes_is_rejected()
    {
        var result = LabelRules.Validate(new string('a', 65), "x");

        Assert.False(result.IsValid);
        Assert.Equal("", result.Label);
        Assert.Equal(65, result.Utf8ByteCount);
        Assert.Equal("label is 65 bytes in UTF-8; the limit is 64 bytes", result.Error);
    }

    [Fact]
    public void Limit_counts_utf8_bytes_not_characters()
    {
        var twentyTwoThreeByteChars = new string('€', 22);

        var result = LabelRules.Validate(twentyTwoThreeByteChars, "x");

        Assert.False(result.IsValid);
        Assert.Equal(66, result.Utf8ByteCount);
        Assert.Contains("66 bytes", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("billing fix #2")]
    [InlineData("修正 バグ")]
    [InlineData("café — déjà vu")]
    [InlineData("🚀 deploy")]
    [InlineData("\U0001F469\u200D\U0001F4BB pairing")]
    [InlineData("[x] {y} <z> \"q\" 'r' `s` \\ /")]
    public void Printable_text_in_any_script_including_emoji_sequences_is_accepted(string label)
    {
        var result = LabelRules.Validate(label, "x");

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(label, result.Label);
    }

    [Fact]
    public void Escape_character_is_refused_with_its_code_point_and_position()
    {
        var result = LabelRules.Validate("ab\u001b[31mred", "x");

        Assert.False(result.IsValid);
        Assert.Equal("label contains a control character (U+001B ESC) at position 3; escape sequences are not allowed", result.Error);
    }

    [Fact]
    public void C1_control_sequence_introducer_is_refused_as_an_escape()
    {
        var result = LabelRules.Validate("a\u009b31m", "x");

        Assert.Equal("label contains a control character (U+009B CSI) at position 2; escape sequences are not allowed", result.Error);
    }

    [Theory]
    [InlineData("a\u0000b", "U+0000 NUL")]
    [InlineData("a\u0007b", "U+0007 BEL")]
    [InlineData("a\tb", "U+0009 TAB")]
    [InlineData("a\nb", "U+000A LF")]
    [InlineData("a\rb", "U+000D CR")]
    [InlineData("a\u007fb", "U+007F DEL")]
    [InlineData("a\u0085b", "U+0085 NEL")]
    [InlineData("a\u0090b", "U+0090 DCS")]
    [InlineData("a\u0081b", "U+0081)")]
    public void C0_DEL_and_C1_controls_are_refused(string label, string named)
    {
        var result = LabelRules.Validate(label, "x");

        Assert.False(result.IsValid);
        Assert.StartsWith("label contains a control character (", result.Error, StringComparison.Ordinal);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
        Assert.Contains("at position 2; control characters are not allowed", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('\u202A')]
    [InlineData('\u202B')]
    [InlineData('\u202C')]
    [InlineData('\u202D')]
    [InlineData('\u202E')]
    [InlineData('\u2066')]
    [InlineData('\u2067')]
    [InlineData('\u2068')]
    [InlineData('\u2069')]
    public void Bidirectional_override_and_isolate_characters_are_refused(char bidi)
    {
        var result = LabelRules.Validate($"fix{bidi}txt.exe", "x");

        Assert.False(result.IsValid);
        Assert.StartsWith("label contains a bidirectional control character (U+", result.Error, StringComparison.Ordinal);
        Assert.Contains("at position 4", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Right_to_left_override_is_named()
    {
        var result = LabelRules.Validate("a\u202Eb", "x");

        Assert.Equal(
            "label contains a bidirectional control character (U+202E RIGHT-TO-LEFT OVERRIDE) at position 2; it can make the label display differently from what it contains",
            result.Error);
    }

    [Theory]
    [InlineData("a\u200Bb", "U+200B ZERO WIDTH SPACE")]
    [InlineData("a\uFEFFb", "U+FEFF ZERO WIDTH NO-BREAK SPACE")]
    [InlineData("a\u00ADb", "U+00AD")]
    [InlineData("a\U000E0041b", "U+E0041")]
    public void Invisible_format_characters_are_refused(string label, string named)
    {
        var result = LabelRules.Validate(label, "x");

        Assert.False(result.IsValid);
        Assert.Contains($"an invisible formatting character ({named}", result.Error, StringComparison.Ordinal);
        Assert.Contains("at position 2", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_separator_inside_a_label_is_refused()
    {
        var result = LabelRules.Validate("a\u2028b", "x");

        Assert.Contains("a line separator (U+2028 LINE SEPARATOR) at position 2", result.Error, StringComparison.Ordinal);
    }

    // Built at run time: attribute arguments are stored as UTF-8, which cannot hold a lone surrogate.
    [Theory]
    [InlineData(0xD800, 2)]
    [InlineData(0xDC00, 3)]
    public void Lone_surrogates_are_refused(int surrogate, int position)
    {
        var label = position == 2 ? $"a{(char)surrogate}b" : $"ab{(char)surrogate}";

        var result = LabelRules.Validate(label, "x");

        Assert.False(result.IsValid);
        Assert.Equal(
            $"label contains an unpaired surrogate (U+{surrogate:X4}) at position {position}; the text is not valid Unicode",
            result.Error);
    }

    [Fact]
    public void Position_counts_characters_so_emoji_before_the_problem_count_once()
    {
        var result = LabelRules.Validate("🚀🚀\u001b", "x");

        Assert.Contains("at position 3", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_label_is_validated_too()
    {
        var result = LabelRules.Validate("", "  ");

        Assert.False(result.IsValid);
        Assert.Equal("label is empty", result.Error);
    }

    [Fact]
    public void Resolve_returns_the_label_or_throws_with_the_reason()
    {
        Assert.Equal("implementer", LabelRules.Resolve(" ", "implementer"));

        var error = Assert.Throws<ArgumentException>(() => LabelRules.Resolve("a\u001bb", "implementer"));
        Assert.Contains("U+001B ESC", error.Message, StringComparison.Ordinal);
    }
}
