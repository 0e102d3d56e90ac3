using BotBottle.Core.Manifest;

namespace BotBottle.Core.Tests.Manifest;

public sealed class MemorySizeTests
{
    [Theory]
    [InlineData("2g", 2L * 1024 * 1024 * 1024)]
    [InlineData("512m", 512L * 1024 * 1024)]
    [InlineData("512M", 512L * 1024 * 1024)]
    [InlineData("64k", 64L * 1024)]
    [InlineData("1t", 1L << 40)]
    [InlineData("1.5g", 3L * 512 * 1024 * 1024)]
    [InlineData("2gb", 2L * 1024 * 1024 * 1024)]
    [InlineData("2GiB", 2L * 1024 * 1024 * 1024)]
    [InlineData("1 g", 1L << 30)]
    [InlineData("1048576", 1048576)]
    [InlineData("100b", 100)]
    public void Docker_style_sizes_are_parsed_to_bytes_with_binary_units(string text, long expected)
    {
        Assert.True(MemorySize.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("g")]
    [InlineData("0")]
    [InlineData("0m")]
    [InlineData("-2g")]
    [InlineData("2x")]
    [InlineData("2 gigabytes")]
    [InlineData("1,5g")]
    [InlineData("99999999999t")]
    [InlineData(null)]
    public void Empty_zero_negative_unknown_unit_or_overflowing_sizes_are_rejected(string? text)
    {
        Assert.False(MemorySize.TryParse(text, out _));
    }

    [Fact]
    public void Parse_throws_a_format_exception_that_explains_the_syntax()
    {
        var error = Assert.Throws<FormatException>(() => MemorySize.Parse("big"));

        Assert.Contains("invalid memory size 'big'", error.Message, StringComparison.Ordinal);
        Assert.Contains("512m", error.Message, StringComparison.Ordinal);
    }
}
