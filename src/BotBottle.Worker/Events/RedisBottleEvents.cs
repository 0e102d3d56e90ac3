using BotBottle.Core.Events;
using BotBottle.Queue.Events;
using StackExchange.Redis;

namespace BotBottle.Worker.Events;

/// <summary>
/// Appends each event to the shared <see cref="EventLog"/> (readers that were away catch up from
/// it, by job or by bottle) and publishes it for live listeners.
/// </summary>
public sealed partial class RedisBottleEvents(EventLog log, ILogger<RedisBottleEvents> logger) : IBottleEvents
{
    public async Task PublishAsync(BottleEvent bottleEvent)
    {
        try
        {
            await log.AppendAsync(bottleEvent);
        }
        catch (RedisException ex)
        {
            // An event lost to a Redis blip must not fail the job that raised it.
            LogPublishFailed(logger, bottleEvent.Kind, bottleEvent.Slug, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {Kind} event for {Slug}")]
    private static partial void LogPublishFailed(ILogger logger, BottleEventKind kind, string? slug, Exception exception);
}
