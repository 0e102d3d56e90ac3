using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace BotBottle.Web.Auth;

/// <summary>Sign-in with the team secret (a cookie for the dashboard) and sign-out.</summary>
public static class SignInEndpoints
{
    public const string Path = "/signin";

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (string? failed, string? reason, string? returnUrl, IOptions<AuthOptions> auth) =>
            Results.Content(Page(failed, reason, returnUrl, auth.Value), "text/html; charset=utf-8")).AllowAnonymous();
        endpoints.MapGet(OidcSignIn.Path, (string? returnUrl, IOptions<AuthOptions> auth) => auth.Value.Oidc.IsConfigured
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) }, [OidcSignIn.Scheme])
            : Results.NotFound(new { error = "no OpenID Connect provider is configured (BotBottle:Auth:Oidc)" })).AllowAnonymous();
        endpoints.MapPost(Path, SignInAsync).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(AuthServiceCollectionExtensions.SignInRateLimit);
        endpoints.MapPost("/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect(Path);
        });
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, IOptions<AuthOptions> auth)
    {
        if (!auth.Value.TeamSecretSignIn)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "sign-in with the team secret is off (BotBottle:Auth:TeamSecretSignIn); sign in with the team's provider");
        }

        var form = await context.Request.ReadFormAsync();
        var secret = auth.Value.TeamSecret;
        var given = form["secret"].ToString();
        var returnUrl = form["returnUrl"].ToString();
        if (secret.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(secret)))
        {
            return Results.Redirect($"{Path}?failed=1&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        var name = form["name"].ToString() is { Length: > 0 and <= 64 } chosen ? chosen : "team";
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(LocalOnly(returnUrl));
    }

    // Only local paths: an open redirect after sign-in would hand the session's first click to anyone.
    // Browsers drop tabs and line breaks from addresses, so "/\t/evil.example" would become "//evil.example".
    private static string LocalOnly(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || url[1] is not ('/' or '\\')) && !url.Any(char.IsControl)
            ? url
            : "/";

    private static string Page(string? failed, string? reason, string? returnUrl, AuthOptions auth)
    {
        var local = WebUtility.HtmlEncode(LocalOnly(returnUrl));
        var secretForm = auth.TeamSecretSignIn
            ? $$"""
                {{(auth.TeamSecret.Length > 0 ? "" : "<p class=\"error\">No team secret is configured (BotBottle:Auth:TeamSecret): nobody can sign in with one.</p>")}}
                {{(failed == "1" ? "<p class=\"error\" role=\"alert\">That secret is not right.</p>" : "")}}
                <label>Your name <input name="name" autocomplete="name" maxlength="64"></label>
                <label>Team secret <input name="secret" type="password" autocomplete="current-password" required autofocus></label>
                <input type="hidden" name="returnUrl" value="{{local}}">
                <button type="submit">Sign in</button>
                """
            : "";
        var provider = auth.Oidc.IsConfigured
            ? $$"""
                {{(failed == "oidc" ? $"<p class=\"error\" role=\"alert\">Sign-in with {WebUtility.HtmlEncode(auth.Oidc.DisplayName)} failed: {WebUtility.HtmlEncode(reason ?? "")}</p>" : "")}}
                <a class="button" href="{{OidcSignIn.Path}}?returnUrl={{Uri.EscapeDataString(LocalOnly(returnUrl))}}">Sign in with {{WebUtility.HtmlEncode(auth.Oidc.DisplayName)}}</a>
                """
            : "";
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in · BotBottle</title>
            <style>body{font-family:system-ui,sans-serif;background:#1a1a27;color:#e0e0e0;display:grid;place-items:center;height:100vh;margin:0}
            form{background:#27273a;padding:2rem;border-radius:8px;display:grid;gap:.75rem;min-width:300px}
            input,button,.button{font:inherit;padding:.5rem;border-radius:4px;border:1px solid #555;background:#1a1a27;color:inherit}
            button,.button{background:#776be7;border:none;color:white;cursor:pointer;text-align:center;text-decoration:none}.error{color:#ff7b80}</style></head>
            <body><form method="post" action="{{Path}}">
            <h1>BotBottle</h1>
            {{provider}}
            {{secretForm}}
            </form></body></html>
            """;
    }
}
