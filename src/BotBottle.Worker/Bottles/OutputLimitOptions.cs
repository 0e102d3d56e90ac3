namespace BotBottle.Worker.Bottles;

/// <summary>
/// Bounds on what an agent's output may cost the Worker, Redis and the host (<c>BotBottle:Output</c>):
/// an agent that prints without end, or one endless line, must not exhaust any of them.
/// </summary>
public sealed class OutputLimitOptions
{
    /// <summary>A longer line reaches the event stream cut to this many characters, with a marker.</summary>
    public int MaxLineChars { get; set; } = 16 * 1024;

    /// <summary>Output kept in memory per stream for the harness's result: the newest, in whole lines.</summary>
    public int KeptBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Output lines sent as events per run; the rest is in the run's log file only.</summary>
    public int MaxEventsPerRun { get; set; } = 10_000;

    /// <summary>Bytes written to a run's log file in the bottle's state directory; the rest is dropped, with a marker.</summary>
    public long MaxLogBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Run log files kept per bottle (the oldest are deleted).</summary>
    public int KeptLogFiles { get; set; } = 20;

    /// <summary>Output lines waiting to be published; when Redis falls behind, newer lines are dropped and counted.</summary>
    public int PendingEvents { get; set; } = 1_000;
}
