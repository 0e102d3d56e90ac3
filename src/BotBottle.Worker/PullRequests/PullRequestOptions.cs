using BotBottle.Worker.Gitea;

namespace BotBottle.Worker.PullRequests;

public sealed class PullRequestOptions
{
    public const string Section = "BotBottle:PullRequests";

    /// <summary>The manifest agent that serves pull requests.</summary>
    public string Agent { get; set; } = "reviewer";

    /// <summary>
    /// Who may start or steer the agent: the sender of an event needs at least this permission on the
    /// repository (none, read, write, admin, owner); below it nothing runs and the PR is told once.
    /// <c>None</c> turns the check off.
    /// </summary>
    public RepositoryAccess MinimumPermission { get; set; } = RepositoryAccess.Write;

    /// <summary>
    /// Pull requests from forks run only on a head commit that someone with <see cref="MinimumPermission"/>
    /// approved ("@bot approve" or the approval label); a later push needs approval again. False runs
    /// a fork's code like the repository's own (only for repositories where every forker is trusted).
    /// </summary>
    public bool ForksNeedApproval { get; set; } = true;

    /// <summary>Past this many runs on one session, a fresh session is started, seeded with a summary of the old.</summary>
    public int RotateAfterTurns { get; set; } = 20;

    /// <summary>The per-PR lock expires after this long unless renewed (it is, every third of it, while a run lasts).</summary>
    public TimeSpan LockExpiry { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often each Worker looks for a PR whose turn lapsed (its holder died) and lets that PR's
    /// next event in. Events that wait for their turn hold no job slot; completing a turn lets the
    /// next one in at once, so this matters only after a crash.
    /// </summary>
    public TimeSpan PumpInterval { get; set; } = TimeSpan.FromSeconds(2);
}
