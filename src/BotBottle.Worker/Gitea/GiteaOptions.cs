namespace BotBottle.Worker.Gitea;

public sealed class GiteaOptions
{
    public const string Section = "BotBottle:Gitea";

    /// <summary>The Gitea server, e.g. https://gitea.example.com (the API is under /api/v1).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>An access token with write:issue; from a secret parameter, never logged.</summary>
    public string Token { get; set; } = "";

    /// <summary>Whether there is a Gitea API to call: an address and a token.</summary>
    public bool IsConfigured => BaseUrl is not null && Token.Length > 0;

    /// <summary>The login the token belongs to (the bot's Gitea user): with the token, the Basic credentials git sends through a PR bottle's sidecar.</summary>
    public string Login { get; set; } = "botbottle";

    public int MaxAttempts { get; set; } = 4;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
