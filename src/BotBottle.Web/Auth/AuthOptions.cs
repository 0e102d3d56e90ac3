namespace BotBottle.Web.Auth;

public sealed class AuthOptions
{
    public const string Section = "BotBottle:Auth";

    /// <summary>The token scripts and the CLI send as <c>Authorization: Bearer &lt;token&gt;</c>; without one the API refuses every call.</summary>
    public string ApiToken { get; set; } = "";

    /// <summary>The secret a team member types to sign in to the dashboard; without one nobody can sign in.</summary>
    public string TeamSecret { get; set; } = "";

    /// <summary>Whether the team secret signs people in; a team on <see cref="Oidc"/> can turn it off.</summary>
    public bool TeamSecretSignIn { get; set; } = true;

    /// <summary>Sign-in with the team's OpenID Connect provider; off until configured.</summary>
    public OidcOptions Oidc { get; set; } = new();

    /// <summary>Sign-in attempts one address may make per minute; past it the answer is 429 (guessing the secret stays slow).</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;
}
