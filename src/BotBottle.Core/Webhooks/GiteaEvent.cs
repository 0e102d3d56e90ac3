namespace BotBottle.Core.Webhooks;

/// <summary>
/// What a Gitea (or Forgejo) webhook delivery says, reduced to what deciding on an agent needs.
/// <see cref="EventFamily"/> and <see cref="EventType"/> are the <c>X-Gitea-Event</c> and
/// <c>X-Gitea-Event-Type</c> headers as received; <see cref="Kind"/> is what they and the body mean together.
/// Which of the optional parts are set depends on <see cref="Kind"/>; see <see cref="GiteaEventParser"/>.
/// </summary>
public sealed record GiteaEvent(
    string EventFamily,
    string? EventType,
    GiteaEventKind Kind,
    string? Action,
    GiteaRepository? Repository,
    GiteaPullRequest? PullRequest = null,
    GiteaIssue? Issue = null,
    GiteaComment? Comment = null,
    GiteaReview? Review = null,
    string? SenderLogin = null);

public enum GiteaEventKind
{
    /// <summary>A pull request's lifecycle: opened, reopened, closed, edited, labelled, review requested...</summary>
    PullRequest,

    /// <summary>New commits on a pull request's head branch (action "synchronized").</summary>
    PullRequestSync,

    /// <summary>A timeline comment on an issue or a pull request (<see cref="GiteaEvent.Issue"/> says which).</summary>
    Comment,

    /// <summary>A submitted review: approval, change request or review comment.</summary>
    Review,

    /// <summary>Anything else (push, issues, create, release...): nothing is extracted beyond the repository.</summary>
    Other,
}

public enum ReviewVerdict
{
    Approved,
    ChangesRequested,
    Comment,
}

public sealed record GiteaRepository(string FullName, string CloneUrl, string? HtmlUrl);

/// <summary>
/// The pull request as the payload describes it. <see cref="HeadCloneUrl"/> and <see cref="HeadRepository"/>
/// name the repository the head branch lives in (a fork's, for a PR from a fork); null when Gitea left it
/// out (a deleted fork, a trimmed payload). <see cref="Labels"/> are the PR's label names.
/// </summary>
public sealed record GiteaPullRequest(
    int Number,
    string Title,
    string Body,
    string? HtmlUrl,
    string? State,
    bool Merged,
    string HeadRef,
    string HeadSha,
    string? HeadCloneUrl,
    string? BaseRef,
    string? AuthorLogin,
    string? UpdatedAt,
    string? ClosedAt,
    string? HeadRepository = null,
    LabelNames? Labels = null)
{
    public bool IsClosed => string.Equals(State, "closed", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the head branch lives in another repository than <paramref name="baseRepository"/> (a
    /// fork, whose code nobody on the team has vetted); null when the payload does not name the head's repository.
    /// </summary>
    public bool? IsFromForkOf(string baseRepository) =>
        HeadRepository is null ? null : !string.Equals(HeadRepository, baseRepository, StringComparison.OrdinalIgnoreCase);

    public bool HasLabel(string name) => (Labels ?? LabelNames.None).Contains(name);
}

/// <summary>The issue a comment belongs to; a pull request is an issue too, marked by <see cref="IsPullRequest"/>.</summary>
public sealed record GiteaIssue(int Number, string Title, string? State, bool IsPullRequest, string? HtmlUrl)
{
    public bool IsClosed => string.Equals(State, "closed", StringComparison.OrdinalIgnoreCase);
}

public sealed record GiteaComment(long Id, string Body, string? AuthorLogin, string? HtmlUrl);

/// <summary>
/// A submitted review. Gitea's payload carries only its type and text (no id, no author: the reviewer
/// is the sender), so <see cref="Id"/> is read when a newer server sends one and is null otherwise.
/// </summary>
public sealed record GiteaReview(ReviewVerdict Verdict, string? Type, string Content, long? Id);
