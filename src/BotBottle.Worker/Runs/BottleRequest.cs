using BotBottle.Core.Backends;

namespace BotBottle.Worker.Runs;

/// <summary>A new bottle as a job asks for it.</summary>
public sealed record BottleRequest(
    string AgentName,
    WorkspaceSource Workspace,
    string UserCwd = "",
    string Identity = "",
    string Label = "",
    string Color = "",
    BackendKind? Backend = null);

/// <summary>A commit of a repository that a workspace should be at.</summary>
public sealed record GitHead(string CloneUrl, string Commit);
