using BotBottle.Core.Harnesses;

namespace BotBottle.Core.Tests.Harnesses;

public sealed class SessionIdsTests
{
    [Theory]
    [InlineData("8f4c2a1e-3b7d-4e9a-9c51-2d6f0b8e7a13")]
    [InlineData("0199a213-81c0-7800-8aa1-bbab2a035a53")]
    [InlineData("8F4C2A1E-3B7D-4E9A-9C51-2D6F0B8E7A13")]
    [InlineData("ses_494719016ffe85dkDMj0FPRbHK")]
    [InlineData("a")]
    public void Ids_the_harnesses_produce_are_well_formed(string sessionId)
    {
        Assert.True(SessionIds.IsWellFormed(sessionId));
        Assert.Equal(sessionId, SessionIds.RequireWellFormed(sessionId));
    }

    [Fact]
    public void Up_to_128_characters_are_allowed()
    {
        Assert.True(SessionIds.IsWellFormed(new string('a', 128)));
        Assert.False(SessionIds.IsWellFormed(new string('a', 129)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("--continue")]
    [InlineData("-c")]
    [InlineData("_leading-underscore")]
    [InlineData("with space")]
    [InlineData(" 8f4c2a1e")]
    [InlineData("x; rm -rf /")]
    [InlineData("a&&b")]
    [InlineData("a|b")]
    [InlineData("$(id)")]
    [InlineData("a`id`")]
    [InlineData("a>b")]
    [InlineData("a'b")]
    [InlineData("a\"b")]
    [InlineData("../etc/passwd")]
    [InlineData("a.b")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("abc\n")]
    [InlineData("sés_1")]
    public void Anything_else_is_malformed(string? sessionId)
    {
        Assert.False(SessionIds.IsWellFormed(sessionId));
    }

    [Fact]
    public void Require_refuses_a_malformed_id_naming_it_and_the_parameter()
    {
        var error = Assert.Throws<ArgumentException>(() => SessionIds.RequireWellFormed("x; rm -rf /"));

        Assert.Equal("sessionId", error.ParamName);
        Assert.Contains("'x; rm -rf /' is not a session id", error.Message, StringComparison.Ordinal);
    }
}
