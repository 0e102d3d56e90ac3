using BotBottle.Core.Egress;
using BotBottle.Testing;

namespace BotBottle.Core.Tests.Egress;

public sealed class CredentialPatternsTests
{
    public static TheoryData<string, string> Samples
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (kind, text) in CredentialSamples.All)
            {
                data.Add(kind, text);
            }

            return data;
        }
    }

    public static TheoryData<string> Ordinary => [.. CredentialSamples.Ordinary];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Credential_is_recognised_by_its_kind(string kind, string text)
    {
        Assert.Equal(kind, CredentialPatterns.FindIn(text)?.Name);
    }

    [Theory]
    [MemberData(nameof(Ordinary))]
    public void Ordinary_request_text_is_not_mistaken_for_a_credential(string text)
    {
        Assert.Null(CredentialPatterns.FindIn(text));
    }

    [Fact]
    public void Patterns_avoid_syntax_the_proxy_scanner_cannot_read()
    {
        // The scanner is bash's =~ (POSIX extended); Perl-only escapes and lookarounds would silently never match there.
        foreach (var pattern in CredentialPatterns.All.Select(p => p.Pattern))
        {
            Assert.DoesNotContain(@"\d", pattern, StringComparison.Ordinal);
            Assert.DoesNotContain(@"\w", pattern, StringComparison.Ordinal);
            Assert.DoesNotContain("(?", pattern, StringComparison.Ordinal);
            Assert.DoesNotContain("\t", pattern, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Scanner_file_has_one_named_pattern_per_line()
    {
        var file = CredentialPatterns.ToScannerFile();
        var lines = file.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // The last line needs its newline too: a shell `read` loop skips an unterminated one.
        Assert.EndsWith("\n", file, StringComparison.Ordinal);
        Assert.Equal(CredentialPatterns.All.Count, lines.Length);
        Assert.All(lines, line => Assert.Equal(2, line.Split('\t').Length));
    }
}
