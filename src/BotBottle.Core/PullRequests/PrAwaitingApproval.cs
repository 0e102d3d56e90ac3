namespace BotBottle.Core.PullRequests;

/// <summary>
/// A pull request from a fork whose head nobody trusted has approved: what would run, kept until
/// someone with the minimum permission approves that head (or the PR closes).
/// </summary>
public sealed record PrAwaitingApproval
{
    public required string Repository { get; init; }

    public required int Number { get; init; }

    /// <summary>The head commit waiting for approval.</summary>
    public required string HeadSha { get; init; }

    /// <summary>The repository the head lives in, when known ("fork-owner/repo").</summary>
    public string? HeadRepository { get; init; }

    /// <summary>The work to do once approved: the PR's first run, or the latest prompt for it.</summary>
    public required PrWork Work { get; init; }

    public DateTimeOffset Since { get; init; }

    public string? PullRequestUrl { get; init; }

    public string Key => PrSession.KeyOf(Repository, Number);
}
