namespace BotBottle.Core.Bottles;

/// <summary>What the backend found of a bottle it believes is up.</summary>
public enum BottleStatus
{
    Running,

    /// <summary>The container exists but its main process ended.</summary>
    Exited,

    /// <summary>The state says the bottle is up but its container is gone (removed by hand, engine restarted).</summary>
    Vanished,
}
