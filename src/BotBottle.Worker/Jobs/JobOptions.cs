namespace BotBottle.Worker.Jobs;

public sealed class JobOptions
{
    public const string Section = "BotBottle:Jobs";

    /// <summary>Jobs one Worker runs at once; each is a container, so this is bounded by the host.</summary>
    public int MaxConcurrentJobs { get; set; } = 2;

    /// <summary>
    /// A job another Worker took and has not touched for this long is presumed orphaned (its Worker
    /// died or was cut off) and reclaimed. Running jobs are touched every third of it; a Worker that
    /// finds its job reclaimed (it was cut off for longer) cancels its run.
    /// </summary>
    public TimeSpan ReclaimAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle Worker looks for new jobs.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A job delivered this many times without finishing is failed instead of tried again.</summary>
    public int MaxDeliveries { get; set; } = 3;

    /// <summary>How long a finished job's result is retried into Redis while Redis is away, before the job is left for another attempt.</summary>
    public TimeSpan CompletionPatience { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long job results stay readable.</summary>
    public TimeSpan ResultRetention { get; set; } = TimeSpan.FromDays(7);
}
