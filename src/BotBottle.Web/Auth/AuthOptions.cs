namespace BotBottle.Web.Auth;

public sealed class AuthOptions
{
    public const string Section = "BotBottle:Auth";

    /// <summary>The token scripts and the CLI send as <c>Authorization: Bearer &lt;token&gt;</c>; without one the API refuses every call.</summary>
    public string ApiToken { get; set; } = "";
}
