using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace BotBottle.Testing;

/// <summary>
/// A real OpenID Connect provider (OpenIddict's server, as Gitea, Keycloak or Entra would be) for
/// one confidential client on the authorization code flow with PKCE: discovery, keys, authorize and
/// token endpoints, ID tokens signed with a fresh key. No login form: the authorize endpoint signs
/// <see cref="Login"/> in at once (sub, name and preferred_username). No store (OpenIddict's degraded
/// mode): the client id, secret and redirect address are checked here.
/// </summary>
public sealed class OidcTestProvider : IAsyncDisposable
{
    private const string AuthorizationPath = "/connect/authorize";
    private const string TokenPath = "/connect/token";

    private readonly ConcurrentQueue<string> _issued = new();
    private WebApplication _app = null!;
    private volatile string _login = "alice";

    private OidcTestProvider()
    {
    }

    /// <summary>The issuer, "http://127.0.0.1:port/": the address a client's Authority names.</summary>
    public Uri Authority { get; private set; } = null!;

    /// <summary>The only redirect address a sign-in may return to (the client's /signin-oidc); set once the client's address is known.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>Who the next sign-in is.</summary>
    public string Login
    {
        get => _login;
        set => _login = value;
    }

    /// <summary>The logins an authorization code was issued for, in order.</summary>
    public IReadOnlyList<string> Issued => [.. _issued];

    public static async Task<OidcTestProvider> StartAsync(string clientId, string clientSecret)
    {
        var provider = new OidcTestProvider();
        var secret = Encoding.UTF8.GetBytes(clientSecret);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            // Read when the options are first used: after Kestrel has chosen the port.
            options.Configure(o => o.Issuer = provider.Authority);
            options.SetAuthorizationEndpointUris(AuthorizationPath.TrimStart('/')).SetTokenEndpointUris(TokenPath.TrimStart('/'));
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.DisableScopeValidation();
            options.AddEphemeralSigningKey().AddEphemeralEncryptionKey().DisableAccessTokenEncryption();
            options.EnableDegradedMode();
            options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != clientId)
                {
                    context.Reject(Errors.InvalidClient, $"unknown client_id '{context.ClientId}'");
                }
                else if (provider.RedirectUri is not { } redirect || context.RedirectUri != redirect.AbsoluteUri)
                {
                    context.Reject(Errors.InvalidRequest, $"redirect_uri '{context.RedirectUri}' is not registered");
                }

                return default;
            }));
            options.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (!context.Request.IsAuthorizationCodeGrantType() || context.ClientId != clientId
                    || context.ClientSecret is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.ClientSecret), secret))
                {
                    context.Reject(Errors.InvalidClient, "unknown client or wrong client_secret");
                }

                return default;
            }));
        });

        provider._app = builder.Build();
        provider._app.MapMethods(AuthorizationPath, [HttpMethods.Get, HttpMethods.Post], provider.Authorize);
        await provider._app.StartAsync();
        provider.Authority = new Uri($"http://127.0.0.1:{new Uri(provider._app.Urls.First()).Port}/");
        return provider;
    }

    private IResult Authorize(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        var login = _login;
        var identity = new ClaimsIdentity(nameof(OidcTestProvider), Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, login).SetClaim(Claims.Name, login).SetClaim(Claims.PreferredUsername, login);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(static claim => claim.Type is Claims.Subject or Claims.Name or Claims.PreferredUsername
            ? [Destinations.IdentityToken, Destinations.AccessToken]
            : [Destinations.AccessToken]);
        _issued.Enqueue(login);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
