using BotBottle.Core.Manifest;

namespace BotBottle.Worker.Bottles;

/// <summary>The services a bottle runs with, as listings show them ("[isolated]").</summary>
public static class BottleServices
{
    /// <summary>
    /// Every bottle is isolated (an internal network, default deny) until an egress proxy enforces
    /// allowlists; the listing says so rather than promise egress that is not there.
    /// </summary>
    public static IReadOnlyList<string> Of(AgentDefinition agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return ["isolated"];
    }
}
