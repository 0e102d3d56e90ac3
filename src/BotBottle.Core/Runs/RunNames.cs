namespace BotBottle.Core.Runs;

/// <summary>Redis names of the run history, shared by the Worker (which writes) and the Web (which reads).</summary>
public static class RunNames
{
    /// <summary>Hash: job id -> <see cref="RunRecord"/> JSON.</summary>
    public const string Records = "botbottle:runs";

    /// <summary>Sorted set: job ids by finish time (ms), newest last; the Recent table and the usage totals read it.</summary>
    public const string ByTime = "botbottle:runs:by-time";

    /// <summary>Sorted set: a bottle's job ids by finish time.</summary>
    public static string OfBottle(string slug) => $"botbottle:runs:bottle:{slug}";

    /// <summary>Sorted set: a pull request's job ids by finish time (all its turns).</summary>
    public static string OfPullRequest(string prKey) => $"botbottle:runs:pr:{prKey}";

    /// <summary>How many runs are kept; older ones are dropped with their record.</summary>
    public const int Kept = 20_000;
}
