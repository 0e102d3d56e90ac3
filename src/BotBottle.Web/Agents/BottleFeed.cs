using System.Collections.Concurrent;
using BotBottle.Core.Bottles;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Queue.Events;
using StackExchange.Redis;

namespace BotBottle.Web.Agents;

/// <summary>
/// The bottles that are up, kept current from the Workers' events (Redis pub/sub) and the list they
/// keep in Redis. Dashboard pages subscribe to <see cref="Changed"/> and push the change to the
/// browser at once: rows are pushed, never polled. After a Redis reconnect the list is reloaded,
/// so nothing missed while away is lost.
/// </summary>
public sealed partial class BottleFeed(IConnectionMultiplexer redis, BottleList bottles, EventLog log, ILogger<BottleFeed> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, ActiveAgent> _rows = new(StringComparer.Ordinal);

    public event Action? Changed;

    /// <summary>Every event as it arrives (output lines included), for pages that follow one bottle.</summary>
    public event Action<BottleEvent>? EventReceived;

    /// <summary>A job finished or failed (with or without a bottle): the run history has a new entry.</summary>
    public event Action<BottleEvent>? JobEnded;

    public ActiveAgent? Find(string slug) => _rows.GetValueOrDefault(slug);

    /// <summary>The latest events of one bottle, oldest first.</summary>
    public Task<IReadOnlyList<BottleEvent>> RecentEventsAsync(string slug, int count) => log.LatestOfBottleAsync(slug, count);

    public IReadOnlyList<ActiveAgent> Rows => [.. _rows.Values.OrderBy(r => r.StartedAt)];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += (_, _) => _ = ReloadAsync();
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(QueueNames.EventChannel), (_, message) => OnEvent(message));
        await ReloadAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(QueueNames.EventChannel));

    public async Task ReloadAsync()
    {
        try
        {
            var fresh = (await bottles.RowsAsync()).ToDictionary(a => a.Slug, StringComparer.Ordinal);
            foreach (var gone in _rows.Keys.Except(fresh.Keys).ToList())
            {
                _rows.TryRemove(gone, out _);
            }

            foreach (var (slug, row) in fresh)
            {
                _rows[slug] = row;
            }

            Changed?.Invoke();
        }
        catch (RedisException ex)
        {
            LogReloadFailed(logger, ex);
        }
    }

    private void OnEvent(RedisValue message)
    {
        BottleEvent bottleEvent;
        try
        {
            bottleEvent = BotBottleJson.Deserialize<BottleEvent>(message!);
        }
        catch (System.Text.Json.JsonException)
        {
            return;
        }

        if (bottleEvent.Kind is BottleEventKind.Finished or BottleEventKind.Failed)
        {
            // Published after the job's result and run record are stored: readers find them.
            JobEnded?.Invoke(bottleEvent);
        }

        if (bottleEvent.Slug is not { } slug)
        {
            return;
        }

        EventReceived?.Invoke(bottleEvent);

        switch (bottleEvent.Kind)
        {
            case BottleEventKind.Running when RowFrom(slug, bottleEvent) is { } row:
                // A relaunched bottle keeps the denials counted before.
                _rows[slug] = row with { EgressDenied = _rows.GetValueOrDefault(slug)?.EgressDenied ?? 0 };
                Changed?.Invoke();
                break;
            case BottleEventKind.EgressDenied when _rows.TryGetValue(slug, out var denied)
                && long.TryParse(bottleEvent.Data?.GetValueOrDefault("count"), System.Globalization.CultureInfo.InvariantCulture, out var count):
                _rows[slug] = denied with { EgressDenied = count };
                Changed?.Invoke();
                break;
            case BottleEventKind.Vanished when _rows.TryGetValue(slug, out var vanished):
                _rows[slug] = vanished with { Status = BottleStatus.Vanished, VanishedAt = bottleEvent.At };
                Changed?.Invoke();
                break;
            case BottleEventKind.Removed:
                if (_rows.TryRemove(slug, out _))
                {
                    Changed?.Invoke();
                }

                break;
        }
    }

    /// <summary>The running event carries the row, so it shows without a round trip to Redis.</summary>
    private static ActiveAgent? RowFrom(string slug, BottleEvent running)
    {
        if (running.Data is not { } data || !data.TryGetValue("agent", out var agent))
        {
            return null;
        }

        var started = data.TryGetValue("startedAt", out var at) && DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : running.At;
        var services = data.TryGetValue("services", out var list) ? list.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        return new ActiveAgent(data.GetValueOrDefault("backend", "docker"), slug, agent, started, services, data.GetValueOrDefault("label", ""), data.GetValueOrDefault("color", ""),
            StartedBy: data.GetValueOrDefault("startedBy", ""));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the bottle list from Redis")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
