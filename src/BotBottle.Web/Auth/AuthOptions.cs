namespace BotBottle.Web.Auth;

public sealed class AuthOptions
{
    public const string Section = "BotBottle:Auth";

    /// <summary>The token scripts and the CLI send as <c>Authorization: Bearer &lt;token&gt;</c>; without one the API refuses every call.</summary>
    public string ApiToken { get; set; } = "";

    /// <summary>The secret a team member types to sign in to the dashboard; without one nobody can sign in.</summary>
    public string TeamSecret { get; set; } = "";

    /// <summary>Sign-in attempts one address may make per minute; past it the answer is 429 (guessing the secret stays slow).</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;
}
