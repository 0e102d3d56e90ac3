using BotBottle.Core.Egress;

namespace BotBottle.Core.Tests.Egress;

public sealed class GitRemoteTests
{
    [Theory]
    [InlineData("https://gitea.example/acme/widgets.git", "https://gitea.example/", "https://gitea.example/", "/acme/widgets")]
    [InlineData("https://gitea.example/acme/widgets", "https://gitea.example", "https://gitea.example/", "/acme/widgets")]
    [InlineData("https://Gitea.Example:443/Acme/my.widgets.git/", "https://gitea.example/", "https://gitea.example/", "/Acme/my.widgets")]
    [InlineData("http://10.0.0.5:3000/git/acme/widgets.git", "http://10.0.0.5:3000/git/", "http://10.0.0.5:3000/git/", "/git/acme/widgets")]
    [InlineData("https://gitea.example/acme/widgets.git", "http://gitea.example/", null, null)] // another scheme
    [InlineData("https://gitea.example:8443/acme/widgets.git", "https://gitea.example/", null, null)] // another port
    [InlineData("https://evil.example/acme/widgets.git", "https://gitea.example/", null, null)]
    [InlineData("https://gitea.example/acme/widgets.git", "https://gitea.example/git/", null, null)] // outside the base path
    [InlineData("https://gitea.example/acme/widgets/info/refs", "https://gitea.example/", null, null)]
    [InlineData("https://gitea.example/acme/../payroll.git", "https://gitea.example/", null, null)] // "/payroll.git" once resolved: not owner/name
    [InlineData("https://gitea.example/acme/wid%20gets.git", "https://gitea.example/", null, null)]
    [InlineData("https://gitea.example/acme/widgets.git?x=1", "https://gitea.example/", null, null)]
    [InlineData("ssh://git@gitea.example/acme/widgets.git", "https://gitea.example/", null, null)]
    [InlineData("/srv/git/widgets", "https://gitea.example/", null, null)]
    [InlineData(null, "https://gitea.example/", null, null)]
    public void A_repository_on_the_git_host_gets_a_route_to_that_repository_only(string? cloneUrl, string host, string? origin, string? repository)
    {
        var route = GitRemote.RouteFor(cloneUrl, new Uri(host));

        Assert.Equal((origin, repository), (route?.Origin.ToString(), route?.RepositoryPath));
    }

    [Fact]
    public void Git_in_the_bottle_is_sent_to_the_sidecar_for_every_url_on_the_git_host()
    {
        var route = new GitRemoteRoute(new Uri("https://gitea.example/git/"), "/git/acme/widgets");

        var environment = GitRemote.Environment(route, new Uri("http://10.213.0.18:3130/"));

        Assert.Equal("1", environment["GIT_CONFIG_COUNT"]);
        Assert.Equal("url.http://10.213.0.18:3130/git/.insteadOf", environment["GIT_CONFIG_KEY_0"]);
        Assert.Equal("https://gitea.example/git/", environment["GIT_CONFIG_VALUE_0"]);
    }

    [Theory]
    [InlineData("botbottle", "tok en")]
    [InlineData("bot:bottle", "token")]
    [InlineData("", "token")]
    [InlineData("botbottle", "tökén")]
    public void Credentials_basic_auth_cannot_carry_are_refused_with_the_reason(string login, string token) =>
        Assert.Contains("HTTP Basic", Assert.Throws<InvalidOperationException>(() =>
            GitRemote.Broker(new GitRemoteRoute(new Uri("https://gitea.example/"), "/acme/widgets"), login, token)).Message, StringComparison.Ordinal);

    [Fact]
    public void The_brokered_credential_never_prints_its_value()
    {
        var credential = GitRemote.Broker(new GitRemoteRoute(new Uri("https://gitea.example/"), "/acme/widgets"), "botbottle", "s3cr3t-token");

        Assert.Equal("Basic Ym90Ym90dGxlOnMzY3IzdC10b2tlbg==", credential.Authorization);
        Assert.DoesNotContain(credential.Authorization, credential.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", $"{credential}", StringComparison.Ordinal);
    }
}
