using BotBottle.Core.Bottles;
using BotBottle.Core.Egress;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Backends;

/// <summary>A bottle whose state exists on disk, ready to launch (or relaunch, for a resume).</summary>
public sealed record PreparedBottle(
    string Slug,
    AgentDefinition Agent,
    BottleMetadata Metadata,
    string StateDirectory,
    string WorkspaceDirectory)
{
    /// <summary>
    /// Environment on top of the manifest's, set for this launch only (e.g. the harness pointed at a
    /// local model); it wins over the manifest's values.
    /// </summary>
    public IReadOnlyDictionary<string, string> ExtraEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Files (path relative to the agent's home -> content) placed in the bottle at launch, e.g. harness configuration.</summary>
    public IReadOnlyDictionary<string, string> ExtraFiles { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Destinations the platform opens for this launch on top of the manifest's allowlist: the
    /// Ollama endpoint of a local model, the Gitea host of a PR.
    /// </summary>
    public IReadOnlyList<EgressRule> ExtraEgress { get; init; } = [];

    /// <summary>The repository the bottle's workspace came from (a PR's), without credentials; null for other bottles.</summary>
    public string? RepositoryUrl { get; init; }

    /// <summary>The Git host's credential for <see cref="RepositoryUrl"/>, given to the bottle's sidecar only; null when none is configured.</summary>
    public BrokeredGitCredential? GitCredential { get; init; }

    /// <summary>
    /// The bottle exists only for one run and is removed when it ends; when the process running it
    /// dies, what it left is swept. A bottle launched to stay up (false) outlives its Worker.
    /// </summary>
    public bool EndsWithRun { get; init; }
}
