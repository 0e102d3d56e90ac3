using BotBottle.Core.Bottles;

namespace BotBottle.Core.Tests.Bottles;

public sealed class IsoTimestampTests
{
    private static readonly TimeZoneInfo Plus2 = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2");

    [Fact]
    public void Python_isoformat_with_microseconds_and_offset_is_read_exactly()
    {
        var value = IsoTimestamp.Parse("2026-06-03T14:02:11.123456+00:00");

        Assert.Equal(new DateTimeOffset(2026, 6, 3, 14, 2, 11, TimeSpan.Zero).AddTicks(1234560), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Fact]
    public void Non_utc_offset_is_kept()
    {
        var value = IsoTimestamp.Parse("2026-06-03T14:02:11-05:00");

        Assert.Equal(TimeSpan.FromHours(-5), value.Offset);
        Assert.Equal(14, value.Hour);
    }

    [Fact]
    public void Naive_timestamp_is_wall_clock_time_in_the_given_zone()
    {
        var value = IsoTimestamp.Parse("2026-06-03T14:02:11", Plus2);

        Assert.Equal(new DateTimeOffset(2026, 6, 3, 14, 2, 11, TimeSpan.FromHours(2)), value);
    }

    [Fact]
    public void Naive_timestamp_defaults_to_the_local_zone()
    {
        var value = IsoTimestamp.Parse("2026-06-03T14:02:11");

        Assert.Equal(new DateTime(2026, 6, 3, 14, 2, 11, DateTimeKind.Unspecified), value.DateTime);
        Assert.Equal(TimeZoneInfo.Local.GetUtcOffset(value.DateTime), value.Offset);
    }

    [Theory]
    [InlineData("2026-06-03T14:02:11Z")]
    [InlineData("2026-06-03 14:02:11+00:00")]
    [InlineData("2026-06-03T14:02:11.5+00:00")]
    public void Other_iso_spellings_python_can_produce_are_accepted(string text)
    {
        Assert.True(IsoTimestamp.TryParse(text, out var value));
        Assert.Equal(new DateTimeOffset(2026, 6, 3, 14, 2, 11, TimeSpan.Zero), value.AddTicks(-(value.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("03/06/2026 14:02")]
    [InlineData("2026-13-03T14:02:11")]
    [InlineData(null)]
    public void Non_iso_text_is_rejected(string? text)
    {
        Assert.False(IsoTimestamp.TryParse(text, out _));
    }

    [Fact]
    public void Formatting_matches_python_isoformat_with_six_fraction_digits()
    {
        var value = new DateTimeOffset(2026, 6, 3, 14, 2, 11, TimeSpan.Zero).AddTicks(1234560);

        Assert.Equal("2026-06-03T14:02:11.123456+00:00", IsoTimestamp.Format(value));
    }

    [Fact]
    public void Formatting_omits_the_fraction_when_there_are_no_microseconds_like_python()
    {
        var value = new DateTimeOffset(2026, 6, 3, 14, 2, 11, TimeSpan.FromHours(-5));

        Assert.Equal("2026-06-03T14:02:11-05:00", IsoTimestamp.Format(value));
    }

    [Fact]
    public void Formatted_value_parses_back_to_the_same_instant_to_the_microsecond()
    {
        var value = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(9)).AddTicks(987650);

        Assert.Equal(value, IsoTimestamp.Parse(IsoTimestamp.Format(value)));
    }
}
