using System.Net;
using BotBottle.Web.Tests.Webhooks;

namespace BotBottle.Web.Tests.Api;

/// <summary>The team-secret sign-in against a running Web: its cookie's flags, and guessing kept slow.</summary>
public sealed class SignInTests(RunningWeb web) : IClassFixture<RunningWeb>
{
    [Fact]
    public async Task The_cookie_is_http_only_and_same_site_and_repeated_wrong_secrets_get_429()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = web.Web.Url };

        using var signedIn = await http.PostAsync(new Uri("/signin", UriKind.Relative), Form(RunningWeb.TeamSecret));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var wrong = await http.PostAsync(new Uri("/signin", UriKind.Relative), Form($"guess-{i}"));
            statuses.Add(wrong.StatusCode);
        }

        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("botbottle=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        // Ten attempts a minute from one address (the first was the right one), then 429.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Redirect, 9), statuses.Take(9));
        Assert.All(statuses.Skip(9), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }

    internal static FormUrlEncodedContent Form(string secret, string returnUrl = "/") => new(new Dictionary<string, string>
    {
        ["name"] = "tester",
        ["secret"] = secret,
        ["returnUrl"] = returnUrl,
    });
}

/// <summary>Where a sign-in returns to, on a server of its own (the sign-in limit counts every attempt from this address).</summary>
public sealed class SignInRedirectTests(RunningWeb web) : IClassFixture<RunningWeb>
{
    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("/\t/evil.example/")]
    [InlineData("/\n/evil.example/")]
    [InlineData("https://evil.example/")]
    public async Task After_sign_in_only_a_local_address_is_returned_to(string returnUrl)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = web.Web.Url };

        using var signedIn = await http.PostAsync(new Uri("/signin", UriKind.Relative), SignInTests.Form(RunningWeb.TeamSecret, returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }

}
