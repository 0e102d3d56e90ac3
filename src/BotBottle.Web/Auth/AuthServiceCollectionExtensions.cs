using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace BotBottle.Web.Auth;

public static partial class AuthServiceCollectionExtensions
{
    public const string Scheme = "BotBottle";

    /// <summary>
    /// Pages and the live hub take a sign-in cookie; the API takes a bearer token. Everything requires
    /// an authenticated caller unless an endpoint says otherwise (health probes, webhooks, sign-in).
    /// </summary>
    public static IServiceCollection AddBotBottleAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        var oidc = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()?.Oidc ?? new OidcOptions();
        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, Scheme, o => o.ForwardDefaultSelector = context => IsApiCall(context.Request)
                ? ApiTokenAuthenticationHandler.SchemeName
                : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.LoginPath = SignInEndpoints.Path;
                o.Cookie.Name = "botbottle";
                o.Cookie.HttpOnly = true;
                // Strict unless people sign in at a provider: its redirect back is a navigation from
                // another site, and a Strict cookie set there would not come with it.
                o.Cookie.SameSite = oidc.IsConfigured ? SameSiteMode.Lax : SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        if (oidc.IsConfigured)
        {
            authentication.AddOidcSignIn(oidc);
        }

        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SignInAttemptsPerMinute),
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            o.OnRejected = (context, _) =>
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("BotBottle.Web.Auth");
                LogSignInThrottled(logger, context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    /// <summary>The rate-limit policy of the sign-in form: per remote address, <see cref="AuthOptions.SignInAttemptsPerMinute"/>.</summary>
    public const string SignInRateLimit = "signin";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in attempts from {Address} are over the limit; answering 429")]
    private static partial void LogSignInThrottled(ILogger logger, string address);

    private static bool IsApiCall(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
}
