namespace BotBottle.Core.Webhooks;

/// <summary>
/// What to do about one webhook delivery. <see cref="EventKey"/> is the event's identity, stable
/// across redeliveries: Gitea redelivers the same body under a new <c>X-Gitea-Delivery</c> id, so
/// the dispatcher deduplicates on this key, not on the delivery id.
/// </summary>
public abstract record PrAction(string EventKey)
{
    /// <summary>The login of who caused the event (opened, pushed, commented, reviewed), when the payload names one.</summary>
    public string? Sender { get; init; }

    /// <summary>
    /// Whether the PR's head lives in a fork (code nobody on the team has vetted); null when the
    /// payload does not say, and the Worker must ask Gitea.
    /// </summary>
    public bool? FromFork { get; init; }
}

/// <summary>A pull request needs an agent: run <see cref="AgentName"/> on <see cref="Task"/> in a clone of <see cref="CloneUrl"/> at <see cref="HeadRef"/>.</summary>
/// <param name="CloneUrl">The repository that holds <see cref="HeadRef"/>: the fork's for a PR from a fork.</param>
public sealed record StartAgent(
    PrKey Pr,
    string AgentName,
    string Task,
    string HeadRef,
    string HeadSha,
    string CloneUrl,
    string EventKey) : PrAction(EventKey);

/// <summary>Resume the pull request's agent (same session) with <see cref="Prompt"/>.</summary>
/// <param name="NewCode">New commits on the head (a push), as opposed to a comment or a review about it.</param>
/// <param name="HeadSha">The PR's head commit when the event says; comments before Gitea 1.23 do not.</param>
/// <param name="CloneUrl">As for <see cref="StartAgent"/>, when the event says; null otherwise.</param>
public sealed record ResumeAgent(
    PrKey Pr,
    string Prompt,
    string? HeadSha,
    string? CloneUrl,
    string EventKey,
    bool NewCode = false) : PrAction(EventKey);

/// <summary>
/// Someone approves the head of a PR from a fork (a <c>@bot approve</c> comment or the approval label),
/// so the agent may run on that commit. The Worker checks they may, and which commit it is.
/// </summary>
/// <param name="HeadSha">The head the approver saw, when the event says; comments before Gitea 1.23 do not.</param>
/// <param name="Via">How it was given ("comment", "label"), for the record.</param>
/// <param name="ShaPrefix">The commit the approver named ("@bot approve 07977177c2"), when they named one.</param>
public sealed record ApproveHead(PrKey Pr, string? HeadSha, string? CloneUrl, string Via, string EventKey, string? ShaPrefix = null) : PrAction(EventKey);

/// <summary>The pull request is closed (<see cref="Merged"/> or not): tear its agent down and forget it.</summary>
public sealed record CleanUp(PrKey Pr, bool Merged, string EventKey) : PrAction(EventKey);

/// <summary>Nothing to do, and why (for the log and the webhook response).</summary>
/// <param name="Pr">The pull request the event was about, when it was about one.</param>
public sealed record Ignore(string Reason, string EventKey, PrKey? Pr = null) : PrAction(EventKey);
