using Microsoft.Extensions.Configuration;

namespace BotBottle.AppHost.SignIn;

/// <summary>Sign-in with the team's OpenID Connect provider, configured on the AppHost and handed to the Web.</summary>
public static class OidcSignInExtensions
{
    private const string Section = "BotBottle:Auth:Oidc";

    /// <summary>
    /// Passes the AppHost's <c>BotBottle:Auth:Oidc</c> settings (Authority, ClientId, DisplayName,
    /// NameClaim, GroupsClaim, AllowedUsers, AllowedGroups) to the Web, and the secret parameter
    /// <c>oidc-client-secret</c> as its client secret. Wired only when given: without them the
    /// dashboard signs in with the team secret alone.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithOidcSignIn(this IResourceBuilder<ProjectResource> web)
    {
        ArgumentNullException.ThrowIfNull(web);
        var builder = web.ApplicationBuilder;
        // The client secret only ever as a secret parameter, never as plain configuration.
        foreach (var setting in builder.Configuration.GetSection(Section).AsEnumerable(makePathsRelative: true).Where(s => s.Value is { Length: > 0 } && s.Key != "ClientSecret"))
        {
            web.WithEnvironment($"{Section}:{setting.Key}".Replace(":", "__", StringComparison.Ordinal), setting.Value);
        }

        return builder.Configuration["Parameters:oidc-client-secret"] is { Length: > 0 }
            ? web.WithEnvironment("BotBottle__Auth__Oidc__ClientSecret", builder.AddParameter("oidc-client-secret", secret: true))
            : web;
    }
}
