using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BotBottle.Core.Webhooks;

/// <summary>
/// One pull request: the repository's full name ("owner/repo") and the PR number. Gitea treats
/// owner and repository names case-insensitively, so two keys that differ only in case are equal;
/// <see cref="Repository"/> keeps the casing Gitea sent, for display, and <see cref="Id"/> is the
/// lowercase form to store under (registry entries, Redis keys, locks).
/// </summary>
public sealed record PrKey(string Repository, int Number)
{
    public string Repository { get; } = RequireFullName(Repository);

    public int Number { get; } = Number > 0
        ? Number
        : throw new ArgumentOutOfRangeException(nameof(Number), Number, "a pull request number is positive");

    /// <summary>"owner/repo#12" in lowercase: the same for every casing Gitea may send.</summary>
    public string Id => string.Create(CultureInfo.InvariantCulture, $"{Repository.ToLowerInvariant()}#{Number}");

    /// <summary>True for "owner/name": two non-empty parts, no whitespace, no '#' (it separates the number).</summary>
    public static bool IsValidFullName([NotNullWhen(true)] string? fullName)
    {
        if (string.IsNullOrEmpty(fullName) || fullName.Any(c => char.IsWhiteSpace(c) || c == '#'))
        {
            return false;
        }

        var slash = fullName.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < fullName.Length - 1 && fullName.IndexOf('/', slash + 1) < 0;
    }

    public bool Equals(PrKey? other) =>
        other is not null
        && Number == other.Number
        && string.Equals(Repository, other.Repository, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() =>
        HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Repository), Number);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Repository}#{Number}");

    private static string RequireFullName(string fullName) =>
        IsValidFullName(fullName)
            ? fullName
            : throw new ArgumentException($"'{fullName}' is not a repository full name (owner/name)", nameof(fullName));
}
