using System.Text.RegularExpressions;

namespace BotBottle.Core.State;

/// <summary>Bottle slugs name state directories, so they must never be able to climb out of the state root.</summary>
public static partial class Slug
{
    /// <summary>
    /// True for names that are safe as a single directory name. Wider than what <see cref="SlugGenerator"/>
    /// produces so directories created by the Python prototype are still readable.
    /// </summary>
    public static bool IsValid(string? slug) => slug is not null && SafeName().IsMatch(slug);

    public static string Require(string slug) =>
        IsValid(slug)
            ? slug
            : throw new ArgumentException($"'{slug}' is not a valid bottle slug; use letters, digits, '-', '_' or '.', not starting with '.'", nameof(slug));

    /// <summary>The short form shown in listings (first four characters).</summary>
    public static string Abbreviate(string slug)
    {
        ArgumentNullException.ThrowIfNull(slug);
        return slug.Length <= 4 ? slug : slug[..4];
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeName();
}
