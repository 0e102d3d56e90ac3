namespace BotBottle.Core.Webhooks;

/// <summary>
/// The text the agent gets for each event. Whatever people wrote (description, comment, review) is
/// passed on verbatim, under a line that says who wrote it, so the agent knows whose words they are.
/// </summary>
internal static class PrPrompts
{
    public static string NewPullRequest(PrKey key, GiteaPullRequest pr, bool reopened)
    {
        List<string> lines = [$"Pull request {key}: {Or(pr.Title, "(no title)")}"];
        if (pr.HtmlUrl is { Length: > 0 } url)
        {
            lines.Add(url);
        }

        if (pr.AuthorLogin is { Length: > 0 } author)
        {
            lines.Add($"Opened by @{author}.");
        }

        if (reopened)
        {
            lines.Add("It was closed and has been reopened.");
        }

        var target = pr.BaseRef is { Length: > 0 } baseRef ? $", to be merged into {baseRef}" : "";
        lines.Add($"Branch {pr.HeadRef}, head commit {pr.HeadSha}{target}.");
        lines.AddRange(["", "Description:", Or(pr.Body, "(none)"), ""]);
        lines.Add("Review this pull request: read its diff against the base branch, check that it does what the "
            + "description says, and point out bugs, risks and missing tests. New commits, comments and reviews "
            + "on it will follow in this session.");
        return string.Join('\n', lines);
    }

    public static string NewCommits(PrKey key, GiteaPullRequest pr, string? pusher)
    {
        var by = pusher is { Length: > 0 } ? $" by @{pusher}" : "";
        return $"New commits were pushed{by} to pull request {key} (branch {pr.HeadRef}); its head is now {pr.HeadSha}.\n"
            + "Fetch the branch, review the diff since the commit you last reviewed, and follow up on what you raised before.";
    }

    public static string Comment(PrKey key, GiteaComment comment, string? fallbackAuthor)
    {
        var author = comment.AuthorLogin ?? fallbackAuthor ?? "someone";
        var link = comment.HtmlUrl is { Length: > 0 } url ? $" ({url})" : "";
        return $"@{author} commented on pull request {key}{link}:\n\n{comment.Body}";
    }

    public static string Review(PrKey key, GiteaPullRequest pr, GiteaReview review, string? reviewer)
    {
        var verdict = review.Verdict switch
        {
            ReviewVerdict.Approved => "approved it",
            ReviewVerdict.ChangesRequested => "requested changes",
            _ => "left a review comment",
        };
        return $"@{reviewer ?? "someone"} reviewed pull request {key} at commit {pr.HeadSha} and {verdict}:\n\n"
            + Or(review.Content, "(no text)");
    }

    private static string Or(string text, string whenBlank) => string.IsNullOrWhiteSpace(text) ? whenBlank : text;
}
