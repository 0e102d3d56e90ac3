using System.Text.RegularExpressions;
using BotBottle.Core.Egress;

namespace BotBottle.Egress.Scanner.Tests;

public sealed class ScanPatternsTests
{
    [Fact]
    public void The_file_the_Worker_writes_loads_every_pattern_without_backtracking()
    {
        var patterns = ScanPatterns.Parse(CredentialPatterns.ToScannerFile(), "patterns");

        Assert.Equal(CredentialPatterns.All.Select(p => p.Name), patterns.Patterns.Select(p => p.Name));
        Assert.True(patterns.AllNonBacktracking);
        Assert.NotNull(patterns.Combined);
        Assert.All(patterns.Patterns, p => Assert.Equal(ScanPatterns.MatchTimeout, p.Regex.MatchTimeout));
    }

    [Fact]
    public void Comments_blank_lines_and_CRLF_endings_are_ignored()
    {
        var patterns = ScanPatterns.Parse(
            "# credentials\r\n\r\n   \r\nfirst\tabc[0-9]{3}\r\n  # indented comment\n\nsecond\txyz\n",
            "patterns");

        Assert.Equal(["first", "second"], patterns.Patterns.Select(p => p.Name));
        Assert.Equal("first", patterns.FirstMatch("--abc123--"));
        Assert.Equal("second", patterns.FirstMatch("xyz"));
        Assert.Null(patterns.FirstMatch("abc12"));
    }

    [Theory]
    [InlineData("ok\tabc\nbroken\tabc(def\n", "patterns line 2", "broken")]
    [InlineData("# one\n\nno tab here\n", "patterns line 3", "name<TAB>regex")]
    [InlineData("ok\tabc\nbad name\tabc\n", "patterns line 2", "pattern name")]
    [InlineData("ok\tabc\nevil\rX-Injected: 1\tabc\n", "patterns line 2", "pattern name")]
    [InlineData("ok\tabc\nempty\t\n", "patterns line 2", "empty regex")]
    [InlineData("everything\t.*\n", "patterns line 1", "matches empty text")]
    [InlineData("# only comments\n\n", "no patterns", "")]
    [InlineData("", "no patterns", "")]
    public void A_bad_file_is_refused_with_a_message_naming_the_line(string text, string where, string what)
    {
        var error = Assert.Throws<PatternFileException>(() => ScanPatterns.Parse(text, "patterns"));

        Assert.Contains(where, error.Message, StringComparison.Ordinal);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pattern_the_non_backtracking_engine_cannot_run_falls_back_with_a_timeout()
    {
        var patterns = ScanPatterns.Parse("repeat\t(ab)\\1\nplain\txyz\n", "patterns");

        Assert.False(patterns.AllNonBacktracking);
        Assert.Null(patterns.Combined);
        Assert.Equal(RegexOptions.None, patterns.Patterns[0].Regex.Options & RegexOptions.NonBacktracking);
        Assert.Equal("repeat", patterns.FirstMatch("xxababxx"));
        Assert.Equal("plain", patterns.FirstMatch("xyz"));
    }

    [Fact]
    public void A_missing_file_is_refused_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-patterns-{Guid.NewGuid():N}");

        var error = Assert.Throws<PatternFileException>(() => ScanPatterns.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fingerprint_follows_the_contents()
    {
        var a = ScanPatterns.Parse("one\tabc\n", "a");
        var b = ScanPatterns.Parse("one\tabd\n", "b");

        Assert.Equal(a.Fingerprint, ScanPatterns.Parse("one\tabc\n", "c").Fingerprint);
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
    }

    [Fact]
    public void Matching_text_never_appears_in_what_the_scanner_reports()
    {
        var patterns = ScanPatterns.Parse(CredentialPatterns.ToScannerFile(), "patterns");

        foreach (var (name, token) in FakeCredentials.ByPattern)
        {
            Assert.Equal(name, patterns.FirstMatch("prefix \0" + token + " suffix"));
        }
    }
}
