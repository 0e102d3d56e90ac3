namespace BotBottle.Core.Bottles;

/// <summary>A running bottle as the dashboard and listings see it.</summary>
public sealed record ActiveAgent(
    string BackendName,
    string Slug,
    string AgentName,
    DateTimeOffset StartedAt,
    IReadOnlyList<string> Services,
    string Label = "",
    string Color = "",
    BottleStatus Status = BottleStatus.Running,
    long EgressDenied = 0,
    DateTimeOffset? VanishedAt = null,
    string StartedBy = "")
{
    /// <summary>The operator's label, or the manifest agent key when no label was given.</summary>
    public string DisplayName => string.IsNullOrEmpty(Label) ? AgentName : Label;

    public static ActiveAgent FromMetadata(
        string slug, BottleMetadata metadata, IReadOnlyList<string> services, TimeZoneInfo? naiveZone = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new ActiveAgent(
            metadata.Backend,
            slug,
            metadata.AgentName,
            metadata.StartedAtInstant(naiveZone),
            services,
            metadata.Label,
            metadata.Color,
            StartedBy: metadata.Identity);
    }
}
