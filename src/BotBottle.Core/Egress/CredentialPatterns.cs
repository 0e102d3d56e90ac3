using System.Text.RegularExpressions;

namespace BotBottle.Core.Egress;

/// <summary>One kind of credential the egress proxy refuses to let out, by name and pattern.</summary>
/// <param name="Name">Reported in the denial event (never the matched text).</param>
/// <param name="Pattern">
/// A regular expression in the common subset of POSIX extended and .NET syntax: the sidecar's
/// scanner compiles it with .NET's non-backtracking engine, so it must avoid lookarounds and
/// backreferences (and, to stay portable, Perl-only classes such as <c>\d</c>).
/// </param>
public sealed record CredentialPattern(string Name, string Pattern);

/// <summary>
/// The credentials outbound requests are scanned for: well-known API key and token shapes and PEM
/// private keys. Each pattern needs a distinctive prefix so ordinary text (hashes, UUIDs) is not
/// mistaken for a key.
/// </summary>
public static class CredentialPatterns
{
    public static IReadOnlyList<CredentialPattern> All { get; } =
    [
        new("anthropic-api-key", "sk-ant-[A-Za-z0-9_-]{20,}"),
        new("openai-api-key", "sk-(proj-|svcacct-)?[A-Za-z0-9_-]{32,}"),
        new("github-token", "(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})"),
        new("gitlab-token", "glpat-[A-Za-z0-9_-]{20,}"),
        new("aws-access-key-id", "(AKIA|ASIA)[A-Z0-9]{16}"),
        new("google-api-key", "AIza[A-Za-z0-9_-]{35}"),
        new("slack-token", "xox[abposr]-[A-Za-z0-9-]{10,}"),
        new("private-key", "-----BEGIN ([A-Z]+ )?PRIVATE KEY-----"),
    ];

    /// <summary>The first pattern that matches <paramref name="text"/>, or null.</summary>
    public static CredentialPattern? FindIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return All.FirstOrDefault(p => Regex.IsMatch(text, p.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
    }

    /// <summary>The patterns as the proxy's scanner reads them: one "name TAB pattern" line each.</summary>
    public static string ToScannerFile() =>
        string.Concat(All.Select(p => $"{p.Name}\t{p.Pattern}\n"));
}
