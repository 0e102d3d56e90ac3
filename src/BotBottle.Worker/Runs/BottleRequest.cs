using BotBottle.Core.Backends;

namespace BotBottle.Worker.Runs;

/// <summary>A new bottle as a job asks for it.</summary>
public sealed record BottleRequest(
    string AgentName,
    WorkspaceSource Workspace,
    string UserCwd = "",
    string Identity = "",
    string Label = "",
    string Color = "");
