using BotBottle.Core.Manifest;

namespace BotBottle.Worker.Bottles;

/// <summary>The services a bottle runs with, as listings show them ("[isolated]").</summary>
public static class BottleServices
{
    /// <summary>
    /// Every bottle runs behind its egress proxy (the manifest's allowlist, default deny) and the
    /// proxy's credential scan.
    /// </summary>
    public static IReadOnlyList<string> Of(AgentDefinition agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return ["egress", "secret-scan"];
    }
}
