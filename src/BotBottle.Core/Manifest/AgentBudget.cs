namespace BotBottle.Core.Manifest;

/// <summary>
/// What an agent may spend (the manifest's <c>budget:</c>): per run, per pull request (all its
/// turns), per day (UTC, all its bottles), in USD as the harness reports cost; and the model turns a
/// run may take. Absent entries do not limit.
/// </summary>
public sealed record AgentBudget(decimal? PerRunUsd, decimal? PerPrUsd, decimal? PerDayUsd, int? MaxTurns)
{
    public static AgentBudget None { get; } = new(null, null, null, null);
}
