namespace BotBottle.Core.Manifest;

/// <summary>One agent declared in a manifest, fully validated.</summary>
public sealed record AgentDefinition(
    string Key,
    string Image,
    Harness Harness,
    string Prompt,
    IReadOnlyList<EgressRule> Egress,
    IReadOnlyDictionary<string, string> Environment,
    ResourceLimits Limits,
    ModelSpec? Model)
{
    public const int MaxKeyLength = ManifestReader.MaxAgentKeyLength;

    /// <summary>Agent keys end up in container and compose names, hence the narrow alphabet.</summary>
    public static bool IsValidKey(string? key) => key is not null && ManifestReader.IsValidAgentKey(key);
}
