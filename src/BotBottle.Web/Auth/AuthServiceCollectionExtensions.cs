using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace BotBottle.Web.Auth;

public static class AuthServiceCollectionExtensions
{
    public const string Scheme = "BotBottle";

    /// <summary>
    /// Pages and the live hub take a sign-in cookie; the API takes a bearer token. Everything requires
    /// an authenticated caller unless an endpoint says otherwise (health probes, webhooks, sign-in).
    /// </summary>
    public static IServiceCollection AddBotBottleAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, Scheme, o => o.ForwardDefaultSelector = context => IsApiCall(context.Request)
                ? ApiTokenAuthenticationHandler.SchemeName
                : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.LoginPath = SignInEndpoints.Path;
                o.Cookie.Name = "botbottle";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        return services;
    }

    private static bool IsApiCall(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
}
