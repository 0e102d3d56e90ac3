namespace BotBottle.Core.PullRequests;

public enum PrWorkKind
{
    /// <summary>Run the PR's agent for the first time.</summary>
    Start,

    /// <summary>Continue the PR's agent session with a new prompt.</summary>
    Resume,

    /// <summary>The PR closed: remove its bottle and registry entry.</summary>
    CleanUp,
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

    public string Key => PrSession.KeyOf(Repository, Number);
}
