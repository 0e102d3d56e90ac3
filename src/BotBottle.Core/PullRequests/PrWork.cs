namespace BotBottle.Core.PullRequests;

public enum PrWorkKind
{
    /// <summary>Run the PR's agent for the first time.</summary>
    Start,

    /// <summary>Continue the PR's agent session with a new prompt.</summary>
    Resume,

    /// <summary>The PR closed: remove its bottle and registry entry.</summary>
    CleanUp,

    /// <summary>Someone approves the head of a PR from a fork: the work waiting for it runs.</summary>
    Approve,
}

/// <summary>
/// One accepted webhook delivery, as queued by the Web for a Worker: what to do for which PR.
/// Carried inside a <see cref="Jobs.BottleJob"/> so it shares the job queue's delivery guarantees.
/// </summary>
public sealed record PrWork
{
    public required PrWorkKind Kind { get; init; }

    /// <summary>Repository full name, "owner/repo".</summary>
    public required string Repository { get; init; }

    public required int Number { get; init; }

    /// <summary>X-Gitea-Delivery of the delivery that asked for this work.</summary>
    public required string DeliveryId { get; init; }

    /// <summary>What the event is (PR and head commit, comment id, review id): repeats are recognised by it.</summary>
    public required string EventKey { get; init; }

    /// <summary>The manifest agent to start for the PR; the Worker's configured one when null.</summary>
    public string? Agent { get; init; }

    /// <summary>The task (start) or prompt (resume).</summary>
    public string Prompt { get; init; } = "";

    public string? CloneUrl { get; init; }

    public string? HeadRef { get; init; }

    public string? HeadSha { get; init; }

    public string? PullRequestUrl { get; init; }

    /// <summary>The login of who caused the event: their permission on the repository decides whether anything runs.</summary>
    public string? Sender { get; init; }

    /// <summary>Whether the head is a fork's; null when the event did not say (the Worker asks Gitea).</summary>
    public bool? FromFork { get; init; }

    /// <summary>
    /// The event brings code (the PR opened, reopened or pushed to) rather than words about it: on a
    /// fork's PR, its author's permission is beside the point, and the head's approval decides.
    /// </summary>
    public bool NewCode { get; init; }

    /// <summary>For an approval: the commit the approver named, when they named one (first 7 or more hex digits).</summary>
    public string? ApprovedCommit { get; init; }

    /// <summary>How someone approves a fork's head here ("comment `@botbottle approve` or add the label ..."), from the Web's webhook policy.</summary>
    public string? HowToApprove { get; init; }

    public string Key => PrSession.KeyOf(Repository, Number);
}
