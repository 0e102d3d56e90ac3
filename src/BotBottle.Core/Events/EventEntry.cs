namespace BotBottle.Core.Events;

/// <summary>An event with its stream id, so a follower can ask for what came after it (the API's and the CLI's shape).</summary>
public sealed record EventEntry(string Id, BottleEvent Event);
