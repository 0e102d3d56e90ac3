namespace BotBottle.Core.Jobs;

public enum JobKind
{
    /// <summary>Start a bottle and leave it running (optionally with a first task).</summary>
    Launch,

    /// <summary>Start a bottle, run one task to completion, snapshot, tear down.</summary>
    Run,

    /// <summary>Relaunch a bottle from its snapshot and continue a named harness session.</summary>
    Resume,

    /// <summary>Remove a bottle (and with purge its state directory).</summary>
    Teardown,

    /// <summary>Act on a pull-request webhook event for the PR's agent (serialised per PR).</summary>
    PullRequest,
}
