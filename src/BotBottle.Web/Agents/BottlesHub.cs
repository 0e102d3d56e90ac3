using BotBottle.Web.Jobs;
using Microsoft.AspNetCore.SignalR;

namespace BotBottle.Web.Agents;

/// <summary>
/// The live agents table's own SignalR hub (<c>/hubs/bottles</c>), apart from Blazor's circuit: a
/// browser keeps it across a Web restart (the client reconnects by itself) and catches up by asking
/// for the rows again. Signed-in team members only, like the pages.
/// </summary>
public sealed class BottlesHub(BottleFeed feed, JobSubmitter jobs) : Hub
{
    public const string Path = "/hubs/bottles";

    /// <summary>Pushed to every browser whenever a row appears, changes or goes.</summary>
    public const string RowsMessage = "rows";

    /// <summary>Every running bottle, oldest first: what a browser shows after (re)connecting.</summary>
    public IReadOnlyList<AgentRow> Rows() => [.. feed.Rows.Select(AgentRow.From)];

    /// <summary>Stops (tears down, state kept) one bottle; returns the job id.</summary>
    public async Task<string> Stop(string slug)
    {
        var job = await jobs.StopAsync(slug, purge: false, requestedBy: $"dashboard:{Context.User?.Identity?.Name ?? "?"}");
        return job.JobId;
    }
}

/// <summary>Forwards every change of the bottle feed to all connected browsers.</summary>
public sealed class BottlesHubRelay(BottleFeed feed, IHubContext<BottlesHub> hub) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        feed.Changed += Push;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        feed.Changed -= Push;
        return Task.CompletedTask;
    }

    // Whole snapshots, not deltas: a handful of rows, and a browser that missed one message is right again with the next.
    private void Push() => _ = hub.Clients.All.SendAsync(BottlesHub.RowsMessage, feed.Rows.Select(AgentRow.From).ToList());
}
