namespace BotBottle.Core.Webhooks;

/// <summary>
/// Which Gitea events the bot acts on, bindable from configuration. Nothing is allowed by default:
/// a receiver with an empty <see cref="Repositories"/> list ignores every event, so a webhook pointed
/// at it by mistake cannot start agents.
/// </summary>
public sealed record WebhookPolicy
{
    private readonly string? _mention;

    /// <summary>The bot's Gitea username: its own comments, reviews and pushes are never acted on.</summary>
    public string BotLogin { get; init; } = "";

    /// <summary>What a comment must contain to wake the agent; "@" + <see cref="BotLogin"/> unless set.</summary>
    public string Mention
    {
        get => string.IsNullOrWhiteSpace(_mention) ? "@" + BotLogin : _mention;
        init => _mention = value;
    }

    /// <summary>
    /// The label that approves a fork PR's head, as an "@bot approve" comment does; empty (the default):
    /// labels approve nothing. Gitea's label event does not say which label changed, so while this one
    /// is on the PR any label change by a permitted person approves the head shown: opt in knowingly.
    /// </summary>
    public string ApprovalLabel { get; init; } = "";

    /// <summary>The word that, after the mention and alone, approves a fork PR's head.</summary>
    public const string ApproveCommand = "approve";

    /// <summary>Repository full names ("owner/repo", any case) whose pull requests get an agent.</summary>
    public IReadOnlyList<string> Repositories { get; init; } = [];

    /// <summary>The manifest agent started for a new pull request.</summary>
    public string AgentName { get; init; } = "";

    public bool AllowsRepository(string fullName) =>
        Repositories.Any(allowed => string.Equals(allowed?.Trim(), fullName, StringComparison.OrdinalIgnoreCase));

    /// <summary>What makes this policy unusable, empty when it is complete. An empty repository list is allowed: it means "none".</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(BotLogin))
        {
            problems.Add("the bot's Gitea login is missing");
        }

        if (string.IsNullOrWhiteSpace(AgentName))
        {
            problems.Add("the agent to run is missing");
        }

        foreach (var repository in Repositories.Where(r => !PrKey.IsValidFullName(r?.Trim())))
        {
            problems.Add($"'{repository}' is not a repository full name (owner/name)");
        }

        return problems;
    }
}
