namespace BotBottle.Worker.Heartbeat;

public sealed class HeartbeatOptions
{
    public const string Section = "BotBottle:Heartbeat";

    /// <summary>How often the Worker tells Redis it is alive.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a silent Worker is still listed; past it, it is presumed dead.</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromSeconds(20);
}
