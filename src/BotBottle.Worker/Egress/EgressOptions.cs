namespace BotBottle.Worker.Egress;

/// <summary>The egress proxy sidecar every bottle gets (<c>BotBottle:Egress</c>).</summary>
public sealed class EgressOptions
{
    public const string Section = "BotBottle:Egress";

    /// <summary>The proxy image: Debian's Squid, built by <c>build/images/egress.sh</c>.</summary>
    public string Image { get; set; } = "botbottle/egress:squid-5.7-r2";

    /// <summary>
    /// The network the sidecars reach the outside through (created when missing). Bottles are never
    /// attached to it.
    /// </summary>
    public string OutsideNetwork { get; set; } = "botbottle-egress";

    public int ProxyPort { get; set; } = 3128;

    /// <summary>How long a launch waits for a new sidecar to accept connections.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the Worker looks for sidecars whose denials it is not following yet.</summary>
    public TimeSpan MonitorInterval { get; set; } = TimeSpan.FromSeconds(2);
}
