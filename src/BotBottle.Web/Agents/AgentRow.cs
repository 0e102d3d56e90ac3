using System.Globalization;
using BotBottle.Core.Bottles;

namespace BotBottle.Web.Agents;

/// <summary>One row of the live agents table as the browser draws it, with the label's style for either theme.</summary>
public sealed record AgentRow(
    string Slug,
    string ShortSlug,
    string Label,
    string Color,
    string Agent,
    string Backend,
    DateTimeOffset StartedAt,
    string Status,
    IReadOnlyList<string> Services,
    long EgressDenied,
    string StyleDark,
    string StyleLight)
{
    public static AgentRow From(ActiveAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new AgentRow(
            agent.Slug,
            Core.State.Slug.Abbreviate(agent.Slug),
            agent.DisplayName,
            agent.Color,
            agent.AgentName,
            agent.BackendName,
            agent.StartedAt,
            agent.Status == BottleStatus.Vanished && agent.VanishedAt is { } noticed
                ? $"vanished (container gone; noticed {noticed.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC)"
                : agent.Status.ToString().ToLower(CultureInfo.InvariantCulture),
            agent.Services,
            agent.EgressDenied,
            AnsiPalette.StyleOf(agent.Color, dark: true)?.Inline ?? "",
            AnsiPalette.StyleOf(agent.Color, dark: false)?.Inline ?? "");
    }
}
