using System.Security.Cryptography;
using System.Text;

namespace BotBottle.Core.Webhooks;

/// <summary>
/// The identity of what happened, for idempotency: a redelivery (same body, new delivery id) gets the
/// same key, a new event a new one. Built from the event alone, never from the decision taken about it.
/// </summary>
public static class EventKeys
{
    public static string Of(GiteaEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e switch
        {
            { Kind: GiteaEventKind.PullRequestSync, Repository: { } repo, PullRequest: { } pr } =>
                $"sync:{Id(repo, pr.Number)}@{pr.HeadSha}",
            { Kind: GiteaEventKind.PullRequest, Repository: { } repo, PullRequest: { } pr } => Lifecycle(e.Action, Id(repo, pr.Number), pr),
            { Kind: GiteaEventKind.Comment, Comment: { } comment } => $"comment:{comment.Id}:{e.Action}",
            { Kind: GiteaEventKind.Review, Repository: { } repo, PullRequest: { } pr, Review: { } review } =>
                Review(Id(repo, pr.Number), pr, review, e.SenderLogin),
            _ => $"{e.EventFamily}:{e.Repository?.FullName.ToLowerInvariant() ?? "-"}:{e.Action ?? "-"}",
        };
    }

    // The head sha tells one push from another, and the PR's timestamps one close (or reopen) from the
    // next: a PR closed, reopened and closed again must clean up twice.
    private static string Lifecycle(string? action, string id, GiteaPullRequest pr) => action switch
    {
        "opened" => $"opened:{id}@{pr.HeadSha}",
        "closed" => $"closed:{id}{Stamp(pr.ClosedAt ?? pr.UpdatedAt)}",
        _ => $"{action}:{id}@{pr.HeadSha}{Stamp(pr.UpdatedAt)}",
    };

    // Gitea's review payload has no id: the reviewer, the commit, the verdict and the text together
    // tell two reviews apart (two people approving the same commit are two events).
    private static string Review(string id, GiteaPullRequest pr, GiteaReview review, string? reviewer) =>
        review.Id is { } reviewId
            ? $"review:{reviewId}"
            : $"review:{id}@{pr.HeadSha}:{reviewer?.ToLowerInvariant() ?? "-"}:{review.Verdict.ToString().ToLowerInvariant()}:{ShortHash(review.Content)}";

    private static string Id(GiteaRepository repository, int number) => new PrKey(repository.FullName, number).Id;

    private static string Stamp(string? timestamp) => timestamp is null ? "" : ":" + timestamp;

    private static string ShortHash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
