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

/// <summary>
/// Forwards changes of the bottle feed to all connected browsers, one send at a time: whole
/// snapshots, taken when sent, so a burst of changes collapses into one message and an older
/// snapshot can never arrive after a newer one.
/// </summary>
public sealed partial class BottlesHubRelay(BottleFeed feed, IHubContext<BottlesHub> hub, ILogger<BottlesHubRelay> logger) : BackgroundService
{
    private readonly System.Threading.Channels.Channel<bool> _changes =
        System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        feed.Changed += OnChanged;
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        feed.Changed -= OnChanged;
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in _changes.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await hub.Clients.All.SendAsync(BottlesHub.RowsMessage, feed.Rows.Select(AgentRow.From).ToList(), stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Browsers ask for the rows again when they reconnect; the next change sends them anyway.
                    LogSendFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnChanged() => _changes.Writer.TryWrite(true);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not push the agents table to the browsers")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);
}
