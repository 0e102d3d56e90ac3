namespace BotBottle.Core.Manifest;

/// <summary>The coding-agent program that runs inside a bottle.</summary>
public enum Harness
{
    Claude,
    Codex,
    OpenCode,
}

public static class HarnessNames
{
    private static readonly Dictionary<string, Harness> ByName = new(StringComparer.Ordinal)
    {
        ["claude"] = Harness.Claude,
        ["codex"] = Harness.Codex,
        ["opencode"] = Harness.OpenCode,
    };

    /// <summary>The spellings accepted in a manifest, in display order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. ByName.Keys];

    public static bool TryParse(string? name, out Harness harness) =>
        ByName.TryGetValue(name ?? "", out harness);

    public static string ToManifestName(this Harness harness) => harness switch
    {
        Harness.Claude => "claude",
        Harness.Codex => "codex",
        Harness.OpenCode => "opencode",
        _ => throw new ArgumentOutOfRangeException(nameof(harness), harness, "unknown harness"),
    };
}
