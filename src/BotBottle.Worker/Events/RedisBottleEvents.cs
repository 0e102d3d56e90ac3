using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using StackExchange.Redis;

namespace BotBottle.Worker.Events;

/// <summary>
/// Appends each event to a capped Redis Stream (readers that were away catch up from it) and
/// publishes it on a channel (live listeners see it at once).
/// </summary>
public sealed partial class RedisBottleEvents(IConnectionMultiplexer redis, ILogger<RedisBottleEvents> logger) : IBottleEvents
{
    /// <summary>Enough history for a dashboard that reconnects after minutes; old output is in the transcripts.</summary>
    public const int StreamLength = 10_000;

    public async Task PublishAsync(BottleEvent bottleEvent)
    {
        var json = BotBottleJson.Serialize(bottleEvent);
        try
        {
            // Both commands are issued before either is awaited: the multiplexer sends in call order,
            // so events raised in order (output lines) reach readers in order.
            var append = redis.GetDatabase().StreamAddAsync(
                QueueNames.EventStream, QueueNames.PayloadField, json, maxLength: StreamLength, useApproximateMaxLength: true);
            var publish = redis.GetSubscriber().PublishAsync(RedisChannel.Literal(QueueNames.EventChannel), json);
            await Task.WhenAll(append, publish);
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
