namespace BotBottle.Web.Auth;

/// <summary>
/// Sign-in with the team's OpenID Connect provider (Gitea, Forgejo, Keycloak, Entra...), beside or
/// instead of the team secret. Off until <see cref="Authority"/>, <see cref="ClientId"/> and
/// <see cref="ClientSecret"/> are set. Redirect address to register at the provider: &lt;Web&gt;/signin-oidc.
/// </summary>
public sealed class OidcOptions
{
    /// <summary>The provider's issuer, e.g. https://gitea.example.com/ (its discovery document is under it).</summary>
    public Uri? Authority { get; set; }

    public string ClientId { get; set; } = "";

    /// <summary>From a secret parameter (<c>oidc-client-secret</c> in the AppHost); never logged.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>What the sign-in button says: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>The ID-token claim that is the person's login, recorded on what they launch and stop.</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>The ID-token claim holding the person's groups (Gitea: "organisation" and "organisation:team").</summary>
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>Logins that may sign in. With neither this nor <see cref="AllowedGroups"/>, nobody may, unless <see cref="AllowAnyone"/>.</summary>
    public List<string> AllowedUsers { get; } = [];

    /// <summary>Everyone the provider signs in may sign in (only for a provider whose every account is the team's).</summary>
    public bool AllowAnyone { get; set; }

    /// <summary>Groups whose members may sign in.</summary>
    public List<string> AllowedGroups { get; } = [];

    /// <summary>Only for a provider on plain HTTP in development: its metadata is fetched without TLS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool IsConfigured => Authority is not null && ClientId.Length > 0 && ClientSecret.Length > 0;

    /// <summary>Whether the person with <paramref name="login"/> and <paramref name="groups"/> may sign in.</summary>
    public bool Admits(string? login, IEnumerable<string> groups)
    {
        if (string.IsNullOrEmpty(login))
        {
            return false;
        }

        if (AllowedUsers.Count == 0 && AllowedGroups.Count == 0)
        {
            // A Gitea with open registration signs in anyone: letting all of them in must be said.
            return AllowAnyone;
        }

        return AllowedUsers.Contains(login, StringComparer.OrdinalIgnoreCase)
            || groups.Any(group => AllowedGroups.Contains(group, StringComparer.OrdinalIgnoreCase));
    }
}
