using BotBottle.Core.Manifest;

namespace BotBottle.Worker.Bottles;

/// <summary>The services a bottle runs with, as listings show them ("[egress]", "[isolated]").</summary>
public static class BottleServices
{
    public static IReadOnlyList<string> Of(AgentDefinition agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return agent.Egress.Count == 0 ? ["isolated"] : ["egress"];
    }
}
