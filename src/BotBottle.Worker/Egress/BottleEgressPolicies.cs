using BotBottle.Core.Egress;
using BotBottle.Core.Manifest;
using BotBottle.Core.State;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;

namespace BotBottle.Worker.Egress;

/// <summary>
/// A running bottle's egress policy as it stands now: the manifest's current allowlist for its agent
/// plus what the platform opened at launch (recorded in runtime.json).
/// </summary>
public sealed class BottleEgressPolicies(BottleStateStore state)
{
    public sealed record Current(BottleNetwork Network, EgressPolicy Policy);

    /// <summary>Null when the bottle is not up, not ours, or its agent left the manifest.</summary>
    public Current? For(string slug, AgentManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!Slug.IsValid(slug)
            || RuntimeRecord.TryRead(state.BottleDir(slug)) is not { Subnet: { Length: > 0 } subnet } record
            || state.TryReadMetadata(slug) is not { } metadata
            || !manifest.AgentKeys.Contains(metadata.AgentName))
        {
            return null;
        }

        var policy = EgressPolicy.For(manifest.GetAgent(metadata.AgentName), Rules(record.EgressApis), Rules(record.EgressExtra))
            with { BrokeredApi = record.BrokeredApi?.ToRoute(), BrokeredGit = record.BrokeredGit?.ToRoute() };
        return new Current(new BottleNetwork(record.Network, subnet), policy);
    }

    private static List<EgressRule> Rules(IReadOnlyList<string>? recorded) =>
        [.. (recorded ?? []).Select(text => EgressRule.TryParse(text, out var rule, out _) ? rule : null).OfType<EgressRule>()];
}
