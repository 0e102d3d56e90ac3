using System.Globalization;
using BotBottle.Core.Bottles;
using BotBottle.Core.Colors;
using BotBottle.Core.State;

namespace BotBottle.Core.Listing;

/// <summary>
/// One line per running bottle for plain-text listings:
/// <c>[docker] a3f9 implementer started 14:02:11 [egress,secret-scan]</c>, "3 egress denied"
/// after it when the bottle's proxy refused requests, and what became of a bottle that is not running.
/// </summary>
/// <param name="timeZone">Zone the start time is shown in; defaults to the machine's local zone.</param>
/// <param name="colorize">Whether the output goes to a terminal that understands ANSI colour.</param>
/// <param name="showAgentKey">Name the agent after a label that differs from it ("payments bug (implementer)"), as the CLI's list does.</param>
public sealed class AgentRowFormatter(TimeZoneInfo? timeZone = null, bool colorize = false, bool showAgentKey = false)
{
    private readonly TimeZoneInfo _timeZone = timeZone ?? TimeZoneInfo.Local;

    public string Format(ActiveAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var started = TimeZoneInfo.ConvertTime(agent.StartedAt, _timeZone)
            .ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var row = $"[{agent.BackendName}] {Slug.Abbreviate(agent.Slug)} {DisplayName(agent)}{AgentKey(agent)} started {started}";
        var services = agent.Services.Count == 0 ? row : $"{row} [{string.Join(',', agent.Services)}]";
        var denied = agent.EgressDenied > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{services} {agent.EgressDenied} egress denied")
            : services;
        return agent.Status switch
        {
            BottleStatus.Vanished => $"{denied} VANISHED: its container is gone{Noticed(agent)}",
            BottleStatus.Exited => $"{denied} EXITED: its container stopped",
            _ => denied,
        };
    }

    private string Noticed(ActiveAgent agent) =>
        agent.VanishedAt is { } at ? $" (noticed {TimeZoneInfo.ConvertTime(at, _timeZone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)})" : "";

    private string AgentKey(ActiveAgent agent) =>
        showAgentKey && agent.DisplayName != agent.AgentName ? $" ({agent.AgentName})" : "";

    // Only the name is coloured so columns around it stay readable on any background.
    private string DisplayName(ActiveAgent agent) =>
        colorize ? AnsiColor.Colorize(agent.DisplayName, agent.Color) : agent.DisplayName;
}
