namespace BotBottle.Worker.PullRequests;

public sealed class PullRequestOptions
{
    public const string Section = "BotBottle:PullRequests";

    /// <summary>The manifest agent that serves pull requests.</summary>
    public string Agent { get; set; } = "reviewer";

    /// <summary>Past this many runs on one session, a fresh session is started, seeded with a summary of the old.</summary>
    public int RotateAfterTurns { get; set; } = 20;

    /// <summary>The per-PR lock expires after this long unless renewed (it is, every third of it, while a run lasts).</summary>
    public TimeSpan LockExpiry { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an event waits for the PR's lock before its job fails (and is retried).</summary>
    public TimeSpan LockWait { get; set; } = TimeSpan.FromHours(2);
}
