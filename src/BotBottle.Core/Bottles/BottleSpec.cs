using BotBottle.Core.Backends;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Bottles;

/// <summary>
/// What the operator asked for when starting a bottle. Label and colour are "" when unset;
/// the label falls back to the agent key at render time.
/// </summary>
public sealed record BottleSpec(
    AgentManifest Manifest,
    string AgentName,
    bool CopyCwd,
    string UserCwd,
    string Identity = "",
    string Label = "",
    string Color = "",
    BackendKind? RequestedBackend = null)
{
    /// <summary>The manifest entry for <see cref="AgentName"/>; throws if the manifest does not declare it.</summary>
    public AgentDefinition Agent => Manifest.GetAgent(AgentName);

    /// <summary>Where the bottle runs: the launch's choice, else the agent's.</summary>
    public BackendKind Backend => RequestedBackend ?? Agent.Backend;

    public string DisplayName => string.IsNullOrEmpty(Label) ? AgentName : Label;
}
