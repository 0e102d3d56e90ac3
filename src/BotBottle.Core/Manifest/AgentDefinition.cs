using BotBottle.Core.Backends;

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

    public const int DefaultTlsPort = 443;

    /// <summary>
    /// Ports a TLS tunnel (CONNECT) may be opened to: 443 and the manifest's <c>tlsPorts</c>. A tunnel
    /// to any other port, plain HTTP inside included, would pass the proxy unscanned.
    /// </summary>
    public IReadOnlyList<int> TlsPorts { get; init; } = [DefaultTlsPort];

    /// <summary>Where its bottles run unless a launch names another backend: the manifest's <c>backend:</c>, else Docker.</summary>
    public BackendKind Backend { get; init; } = BackendKind.Docker;

    /// <summary>What the agent may spend; <see cref="AgentBudget.None"/> unless the manifest sets <c>budget:</c>.</summary>
    public AgentBudget Budget { get; init; } = AgentBudget.None;

    /// <summary>Agent keys end up in container and compose names, hence the narrow alphabet.</summary>
    public static bool IsValidKey(string? key) => key is not null && ManifestReader.IsValidAgentKey(key);
}
