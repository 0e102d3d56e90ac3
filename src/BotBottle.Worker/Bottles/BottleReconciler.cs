using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Core.Events;
using BotBottle.Core.State;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Events;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BotBottle.Worker.Bottles;

/// <summary>
/// Keeps the list every reader shares true to the engine, when the Worker starts and then every
/// <see cref="BottleOptions.ReconcileInterval"/>: a listed bottle whose container is gone (removed
/// by hand, or the engine restarted while no Worker watched) is marked vanished, with when that was
/// noticed; a listed bottle this host knows to be down leaves the list; a running bottle missing
/// from it (Redis lost its data) is listed again. Then it sweeps what dead Workers on this machine
/// left behind. Only bottles whose state lives on this host are judged: other hosts' are theirs.
/// </summary>
public sealed partial class BottleReconciler(
    IBottleBackend backend,
    BottleDirectory directory,
    BottleStateStore state,
    IBottleEvents events,
    IOptions<BottleOptions> options,
    TimeProvider clock,
    ILogger<BottleReconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReconcileInterval, clock);
        do
        {
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass; returns how many rows it changed.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        if (backend is DockerBottleBackend docker)
        {
            await docker.SweepOrphansAsync(cancellationToken);
        }

        var onEngine = (await backend.EnumerateAsync(cancellationToken)).ToDictionary(a => a.Slug, StringComparer.Ordinal);
        var listed = await directory.ListedAsync();
        var changed = 0;
        foreach (var (slug, bottle) in onEngine.Where(b => IsOnThisHost(b.Key)))
        {
            if (!listed.TryGetValue(slug, out var row))
            {
                if (bottle.Status == BottleStatus.Running)
                {
                    await directory.UpsertAsync(bottle);
                    LogRelisted(logger, slug);
                    changed++;
                }

                continue;
            }

            if (bottle.Status == BottleStatus.Vanished && row.Status != BottleStatus.Vanished)
            {
                var now = clock.GetUtcNow();
                await directory.UpsertAsync(row with { Status = BottleStatus.Vanished, VanishedAt = now });
                await events.PublishAsync(new BottleEvent(BottleEventKind.Vanished, slug, null, now,
                    "its container is gone (removed outside BotBottle, or the engine restarted); stop it to clean up, the state directory is kept"));
                LogVanished(logger, slug);
                changed++;
            }
        }

        foreach (var (slug, _) in listed)
        {
            if (!onEngine.ContainsKey(slug) && IsOnThisHost(slug))
            {
                // This host holds the bottle's state and knows it to be down (no runtime record, no container).
                await directory.RemoveAsync(slug);
                await events.PublishAsync(new BottleEvent(BottleEventKind.Removed, slug, null, clock.GetUtcNow(), "no longer up; removed from the list"));
                changed++;
            }
        }

        return changed;
    }

    /// <summary>Whether the bottle's state lives in this Worker's state root: several Workers (and hosts) may share one engine and one list.</summary>
    private bool IsOnThisHost(string slug) => Slug.IsValid(slug) && Directory.Exists(state.BottleDir(slug));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bottle {Slug} is listed as up but its container is gone; marked vanished")]
    private static partial void LogVanished(ILogger logger, string slug);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bottle {Slug} runs but was missing from the list; listed again")]
    private static partial void LogRelisted(ILogger logger, string slug);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reconcile the bottle list with the engine; trying again later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
