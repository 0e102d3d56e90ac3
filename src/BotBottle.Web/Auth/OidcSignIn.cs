using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace BotBottle.Web.Auth;

/// <summary>
/// Sign-in with the team's OpenID Connect provider: the authorization code flow with PKCE, the ID
/// token's <see cref="OidcOptions.NameClaim"/> as the person's login, only people
/// <see cref="OidcOptions.Admits"/>; the result is the same sign-in cookie the team secret gives.
/// </summary>
public static partial class OidcSignIn
{
    public const string Scheme = "oidc";

    /// <summary>Starts a sign-in with the provider: <c>GET /signin/oidc?returnUrl=/...</c>.</summary>
    public const string Path = "/signin/oidc";

    public static AuthenticationBuilder AddOidcSignIn(this AuthenticationBuilder authentication, OidcOptions oidc)
    {
        ArgumentNullException.ThrowIfNull(oidc);
        return authentication.AddOpenIdConnect(Scheme, oidc.DisplayName, o =>
        {
            o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.Authority = oidc.Authority!.ToString();
            o.ClientId = oidc.ClientId;
            o.ClientSecret = oidc.ClientSecret;
            o.ResponseType = "code";
            o.UsePkce = true;
            o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.MapInboundClaims = false;
            o.Scope.Clear();
            o.Scope.Add("openid");
            o.Scope.Add("profile");
            if (oidc.AllowedGroups.Count > 0)
            {
                // Gitea and Forgejo send the groups claim only when asked for it.
                o.Scope.Add("groups");
            }

            // The provider sends the browser back with a top-level GET: the correlation and nonce
            // cookies (SameSite=Lax) come with it even from another site, which a cross-site form POST would lose.
            o.ResponseMode = "query";
            o.TokenValidationParameters.NameClaimType = oidc.NameClaim;
            // The provider posts back from its own site: the correlation and nonce cookies must travel
            // with that top-level request, and over plain HTTP in development too.
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnTokenValidated = context =>
            {
                var principal = context.Principal!;
                var login = principal.FindFirstValue(oidc.NameClaim);
                var groups = principal.FindAll(oidc.GroupsClaim).Select(c => c.Value);
                if (!oidc.Admits(login, groups))
                {
                    LogRefused(Log(context.HttpContext), login ?? "(no login)", oidc.DisplayName);
                    context.Fail($"{login ?? "this account"} may not sign in to BotBottle; ask whoever runs it to add you to BotBottle:Auth:Oidc:AllowedUsers or :AllowedGroups (or to set :AllowAnyone)");
                    return Task.CompletedTask;
                }

                // Only what BotBottle needs in its cookie: the login, and where it came from.
                var identity = new ClaimsIdentity(
                    [new Claim(ClaimTypes.Name, login!), new Claim("botbottle:signin", Scheme)],
                    CookieAuthenticationDefaults.AuthenticationScheme);
                context.Principal = new ClaimsPrincipal(identity);
                LogSignedIn(Log(context.HttpContext), login!, oidc.DisplayName);
                return Task.CompletedTask;
            };
            o.Events.OnRemoteFailure = context =>
            {
                LogFailed(Log(context.HttpContext), oidc.DisplayName, context.Failure?.Message ?? "unknown");
                var reason = context.Failure?.Message ?? "the provider did not sign you in";
                context.Response.Redirect($"{SignInEndpoints.Path}?failed=oidc&reason={Uri.EscapeDataString(reason)}");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    private static ILogger Log(HttpContext context) => context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("BotBottle.Web.Auth.Oidc");

    [LoggerMessage(Level = LogLevel.Information, Message = "{Login} signed in with {Provider}")]
    private static partial void LogSignedIn(ILogger logger, string login, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Login} signed in with {Provider} but is not allowed in (BotBottle:Auth:Oidc:AllowedUsers/AllowedGroups)")]
    private static partial void LogRefused(ILogger logger, string login, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in with {Provider} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string provider, string reason);
}
