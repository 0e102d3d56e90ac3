namespace BotBottle.Core.Webhooks;

/// <summary>
/// Decides what a Gitea event means for the pull request's agent. Pure: no I/O and no state, so
/// whether an agent already exists for the PR, and whether <see cref="PrAction.EventKey"/> was seen
/// before, is the dispatcher's business.
/// </summary>
public static partial class PrActionMapper
{
    // The first 7 to 40 hexadecimal digits of a commit id (64 for SHA-256 repositories).
    [System.Text.RegularExpressions.GeneratedRegex("^[0-9a-fA-F]{7,64}$")]
    private static partial System.Text.RegularExpressions.Regex CommitPrefix();

    public static PrAction Map(GiteaEvent e, WebhookPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(policy);
        RequireUsable(policy);

        var key = EventKeys.Of(e);
        if (e.Repository is { } repository && !policy.AllowsRepository(repository.FullName))
        {
            var reason = policy.Repositories.Count == 0
                ? $"no repository is allowed (the policy's repository list is empty), so {repository.FullName} is ignored"
                : $"repository {repository.FullName} is not in the policy's repository list";
            return new Ignore(reason, key, PrOf(e));
        }

        var action = e switch
        {
            { Kind: GiteaEventKind.PullRequest, Repository: { } repo, PullRequest: { } pr } => Lifecycle(e, repo, pr, policy, key),
            { Kind: GiteaEventKind.PullRequestSync, Repository: { } repo, PullRequest: { } pr } => NewCommits(e, repo, pr, policy, key),
            { Kind: GiteaEventKind.Comment, Repository: { } repo, Issue: { } issue, Comment: { } comment } =>
                Comment(e, repo, issue, comment, policy, key),
            { Kind: GiteaEventKind.Review, Repository: { } repo, PullRequest: { } pr, Review: { } review } =>
                Review(e, repo, pr, review, policy, key),
            { Kind: GiteaEventKind.Other } => new Ignore(OtherReason(e.EventFamily), key),
            _ => new Ignore($"a {e.Kind} event without the parts it needs", key),
        };

        // Who asked: the Worker checks their permission on the repository before anything runs, and
        // whether the code is a fork's: that runs only on a head someone trusted has approved.
        return action with { Sender = e.SenderLogin, FromFork = e.Repository is { } r ? e.PullRequest?.IsFromForkOf(r.FullName) : null };
    }

    // A misconfigured policy would act silently wrong (an empty login matches no author, so the bot
    // would answer itself), so it fails loudly; hosts should validate it at start-up.
    private static void RequireUsable(WebhookPolicy policy)
    {
        var problems = policy.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"the webhook policy is unusable: {string.Join("; ", problems)}", nameof(policy));
        }
    }

    private static PrAction Lifecycle(GiteaEvent e, GiteaRepository repo, GiteaPullRequest pr, WebhookPolicy policy, string key)
    {
        var prKey = new PrKey(repo.FullName, pr.Number);
        if (e.Action == "closed")
        {
            return new CleanUp(prKey, pr.Merged, key);
        }

        if (pr.IsClosed)
        {
            return PrIsClosed(prKey, key);
        }

        if (e.Action == "label_updated" && pr.HasLabel(policy.ApprovalLabel))
        {
            return new ApproveHead(prKey, pr.HeadSha, CloneUrlOf(repo, pr), "label", key);
        }

        return e.Action switch
        {
            "opened" or "reopened" => new StartAgent(
                prKey,
                policy.AgentName,
                PrPrompts.NewPullRequest(prKey, pr, reopened: e.Action == "reopened"),
                pr.HeadRef,
                pr.HeadSha,
                CloneUrlOf(repo, pr),
                key),
            _ => new Ignore($"{IgnoredLifecycleReason(e.Action)} on {prKey}", key, prKey),
        };
    }

    private static string IgnoredLifecycleReason(string? action) => action switch
    {
        "edited" => "title or description edited",
        "label_updated" or "label_cleared" => "labels changed",
        "assigned" or "unassigned" => "assignees changed",
        "milestoned" or "demilestoned" => "milestone changed",
        "review_requested" or "review_request_removed" => "review requested or withdrawn (only submitted reviews wake the agent)",
        _ => $"pull_request action '{action}' is not acted on",
    };

    private static PrAction NewCommits(GiteaEvent e, GiteaRepository repo, GiteaPullRequest pr, WebhookPolicy policy, string key)
    {
        var prKey = new PrKey(repo.FullName, pr.Number);
        if (IsBot(e.SenderLogin, policy))
        {
            // The agent's own pushes come back as synchronized events; resuming it for them would loop.
            return new Ignore($"commits pushed to {prKey} by the bot itself (@{e.SenderLogin})", key, prKey);
        }

        return pr.IsClosed
            ? PrIsClosed(prKey, key)
            : new ResumeAgent(prKey, PrPrompts.NewCommits(prKey, pr, e.SenderLogin), pr.HeadSha, CloneUrlOf(repo, pr), key, NewCode: true);
    }

    private static PrAction Comment(GiteaEvent e, GiteaRepository repo, GiteaIssue issue, GiteaComment comment, WebhookPolicy policy, string key)
    {
        if (!issue.IsPullRequest)
        {
            return new Ignore($"comment on issue {repo.FullName}#{issue.Number}, which is not a pull request", key);
        }

        var prKey = new PrKey(repo.FullName, issue.Number);
        if (IsBot(comment.AuthorLogin, policy) || IsBot(e.SenderLogin, policy))
        {
            // The bot's replies, posted through the API, come back as comment events.
            return new Ignore($"comment on {prKey} by the bot itself (@{policy.BotLogin})", key, prKey);
        }

        if (e.Action != "created")
        {
            return new Ignore($"comment on {prKey} {e.Action ?? "changed"}; only new comments wake the agent", key, prKey);
        }

        if (issue.IsClosed || e.PullRequest is { IsClosed: true })
        {
            return PrIsClosed(prKey, key);
        }

        if (!BotMention.IsIn(comment.Body, policy.Mention))
        {
            return new Ignore($"comment on {prKey} does not mention {policy.Mention}", key, prKey);
        }

        if (BotMention.IsCommand(comment.Body, policy.Mention, WebhookPolicy.ApproveCommand, out var named)
            && (named is null || CommitPrefix().IsMatch(named)))
        {
            return new ApproveHead(prKey, e.PullRequest?.HeadSha, e.PullRequest is { } head ? CloneUrlOf(repo, head) : null, "comment", key, named?.ToLowerInvariant());
        }

        return new ResumeAgent(
            prKey,
            PrPrompts.Comment(prKey, comment, e.SenderLogin),
            e.PullRequest?.HeadSha,
            e.PullRequest is { } pr ? CloneUrlOf(repo, pr) : null,
            key);
    }

    private static PrAction Review(GiteaEvent e, GiteaRepository repo, GiteaPullRequest pr, GiteaReview review, WebhookPolicy policy, string key)
    {
        var prKey = new PrKey(repo.FullName, pr.Number);
        if (e.Action != "reviewed")
        {
            return new Ignore($"review action '{e.Action}' on {prKey} is not acted on", key, prKey);
        }

        if (IsBot(e.SenderLogin, policy))
        {
            return new Ignore($"review of {prKey} by the bot itself (@{e.SenderLogin})", key, prKey);
        }

        return pr.IsClosed
            ? PrIsClosed(prKey, key)
            : new ResumeAgent(prKey, PrPrompts.Review(prKey, pr, review, e.SenderLogin), pr.HeadSha, CloneUrlOf(repo, pr), key);
    }

    private static string OtherReason(string family) => family switch
    {
        "push" => "push events are not acted on (pushes to a pull request's branch arrive as pull_request synchronized)",
        "issues" => "issue events are not acted on (only pull requests get an agent)",
        _ => $"{family} events are not acted on",
    };

    private static Ignore PrIsClosed(PrKey prKey, string key) => new($"PR {prKey} is closed", key, prKey);

    // The head branch lives in the fork for a PR from a fork; Gitea omits the head repository when the
    // fork is gone, and then the base repository (which keeps refs/pull/N/head) is the place to clone.
    private static string CloneUrlOf(GiteaRepository repo, GiteaPullRequest pr) => pr.HeadCloneUrl ?? repo.CloneUrl;

    private static bool IsBot(string? login, WebhookPolicy policy) =>
        string.Equals(login, policy.BotLogin, StringComparison.OrdinalIgnoreCase);

    private static PrKey? PrOf(GiteaEvent e) => e switch
    {
        { Repository: { } repo, PullRequest: { } pr } => new PrKey(repo.FullName, pr.Number),
        { Repository: { } repo, Issue: { IsPullRequest: true } issue } => new PrKey(repo.FullName, issue.Number),
        _ => null,
    };
}
