namespace BotBottle.Web.Webhooks;

public sealed class GiteaWebhookOptions
{
    public const string Section = "BotBottle:Webhooks:Gitea";

    /// <summary>The webhook's shared secret (an Aspire secret parameter). Without it every delivery is refused.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Repositories ("owner/repo") whose events are acted on; others are ignored.</summary>
    public List<string> Repositories { get; } = [];

    /// <summary>The bot's Gitea user: its own comments are ignored, mentions of it are answered.</summary>
    public string BotLogin { get; set; } = "botbottle";

    /// <summary>The manifest agent started for a new pull request.</summary>
    public string Agent { get; set; } = "reviewer";

    /// <summary>
    /// Adding this label to a PR from a fork approves its head commit for the agent, as an
    /// "@bot approve" comment does (only from someone with the minimum permission); empty (the default):
    /// labels approve nothing. Gitea's label event does not say which label changed, so while the label
    /// is on, any label change by a permitted person approves the head shown.
    /// </summary>
    public string ApprovalLabel { get; set; } = "";

    /// <summary>Deliveries larger than this are refused with 413; Gitea's PR payloads are a few tens of KiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}
