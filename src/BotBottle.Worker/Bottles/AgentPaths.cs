namespace BotBottle.Worker.Bottles;

/// <summary>
/// Where things live inside every bottle. The workspace path is fixed so a harness session recorded
/// in one run is found again on resume: Claude keys its transcripts by the absolute cwd.
/// </summary>
public static class AgentPaths
{
    public const string Home = "/home/agent";
    public const string Workspace = "/home/agent/workspace";
    public const int Uid = 1000;
    public const int Gid = 1000;
    public const string User = "1000:1000";
    public const string ClaudeConfigFile = ".claude.json";
}
