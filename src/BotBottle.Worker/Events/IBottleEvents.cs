using BotBottle.Core.Events;

namespace BotBottle.Worker.Events;

/// <summary>Where the Worker tells the world what its jobs and bottles are doing.</summary>
public interface IBottleEvents
{
    Task PublishAsync(BottleEvent bottleEvent);
}
