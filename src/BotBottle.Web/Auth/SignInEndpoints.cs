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
        endpoints.MapGet(Path, (string? failed, string? returnUrl, IOptions<AuthOptions> auth) =>
            Results.Content(Page(failed is not null, returnUrl, configured: auth.Value.TeamSecret.Length > 0), "text/html; charset=utf-8")).AllowAnonymous();
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
        // Only local paths: an open redirect after sign-in would hand the session's first click to anyone.
        return Results.LocalRedirect(returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
    }

    private static string Page(bool failed, string? returnUrl, bool configured) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Sign in · BotBottle</title>
        <style>body{font-family:system-ui,sans-serif;background:#1a1a27;color:#e0e0e0;display:grid;place-items:center;height:100vh;margin:0}
        form{background:#27273a;padding:2rem;border-radius:8px;display:grid;gap:.75rem;min-width:300px}
        input,button{font:inherit;padding:.5rem;border-radius:4px;border:1px solid #555;background:#1a1a27;color:inherit}
        button{background:#776be7;border:none;color:white;cursor:pointer}.error{color:#ff7b80}</style></head>
        <body><form method="post" action="{{Path}}">
        <h1>BotBottle</h1>
        {{(configured ? "" : "<p class=\"error\">No team secret is configured (BotBottle:Auth:TeamSecret): nobody can sign in.</p>")}}
        {{(failed ? "<p class=\"error\" role=\"alert\">That secret is not right.</p>" : "")}}
        <label>Your name <input name="name" autocomplete="name" maxlength="64"></label>
        <label>Team secret <input name="secret" type="password" autocomplete="current-password" required autofocus></label>
        <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/")}}">
        <button type="submit">Sign in</button>
        </form></body></html>
        """;
}
