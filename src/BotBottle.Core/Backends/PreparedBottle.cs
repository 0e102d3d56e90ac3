using BotBottle.Core.Bottles;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Backends;

/// <summary>A bottle whose state exists on disk, ready to launch (or relaunch, for a resume).</summary>
public sealed record PreparedBottle(
    string Slug,
    AgentDefinition Agent,
    BottleMetadata Metadata,
    string StateDirectory,
    string WorkspaceDirectory);
