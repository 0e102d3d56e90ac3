using System.Collections.Concurrent;
using BotBottle.Core.Events;
using BotBottle.Worker.Events;

namespace BotBottle.Worker.Tests.Support;

/// <summary>Keeps the events a runner raised, for tests of the runner alone (the Redis publisher has its own tests).</summary>
public sealed class RecordingEvents : IBottleEvents
{
    private readonly ConcurrentQueue<BottleEvent> _events = new();

    public IReadOnlyList<BottleEvent> All => [.. _events];

    public Task PublishAsync(BottleEvent bottleEvent)
    {
        _events.Enqueue(bottleEvent);
        return Task.CompletedTask;
    }
}
