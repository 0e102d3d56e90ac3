using System.Globalization;

namespace BotBottle.Core.Manifest;

/// <summary>One problem found in a manifest. Line and column are 1-based; 0 means "no position" (e.g. unreadable file).</summary>
public sealed record ManifestError(string SourceName, long Line, long Column, string Message)
{
    public override string ToString() => Line > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{SourceName}:{Line}:{Column}: {Message}")
        : $"{SourceName}: {Message}";
}
