using System.Text.Json.Serialization;

namespace BotBottle.Core.Bottles;

/// <summary>
/// The per-bottle record kept in <c>&lt;state root&gt;/&lt;slug&gt;/metadata.json</c>. JSON names and
/// <see cref="StartedAt"/>'s string form match the Python prototype so either can read the other's files.
/// </summary>
public sealed record BottleMetadata(
    [property: JsonPropertyName("identity"), JsonRequired] string Identity,
    [property: JsonPropertyName("agent_name"), JsonRequired] string AgentName,
    [property: JsonPropertyName("cwd"), JsonRequired] string Cwd,
    [property: JsonPropertyName("copy_cwd"), JsonRequired] bool CopyCwd,
    [property: JsonPropertyName("started_at"), JsonRequired] string StartedAt,
    [property: JsonPropertyName("compose_project"), JsonRequired] string ComposeProject,
    [property: JsonPropertyName("backend"), JsonRequired] string Backend,
    [property: JsonPropertyName("label")] string Label = "",
    [property: JsonPropertyName("color")] string Color = "")
{
    /// <summary>What the backend's prepare step records for a new bottle.</summary>
    public static BottleMetadata ForNewBottle(
        BottleSpec spec, DateTimeOffset startedAt, string composeProject, string backend)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new BottleMetadata(
            spec.Identity,
            spec.AgentName,
            spec.UserCwd,
            spec.CopyCwd,
            IsoTimestamp.Format(startedAt),
            composeProject,
            backend,
            spec.Label,
            spec.Color);
    }

    /// <summary><see cref="StartedAt"/> as an instant; naive prototype timestamps are read in <paramref name="naiveZone"/>.</summary>
    public DateTimeOffset StartedAtInstant(TimeZoneInfo? naiveZone = null) => IsoTimestamp.Parse(StartedAt, naiveZone);
}
