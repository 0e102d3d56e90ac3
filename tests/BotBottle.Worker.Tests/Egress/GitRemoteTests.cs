using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Testing;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Egress;
using BotBottle.Worker.Gitea;
using BotBottle.Worker.Tests.Support;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Tests.Egress;

/// <summary>
/// Git over HTTPS to the PR's repository without the Gitea token in the bottle: git in a real bottle
/// clones and pushes through its sidecar, which adds the bot's credentials for that repository only.
/// The Git host is git's own smart-HTTP server behind TLS from a private CA, refusing anyone without
/// the credentials, as a Gitea with private repositories does.
/// </summary>
public sealed class GitRemoteTests : IAsyncLifetime
{
    private const string GitHost = "host.botbottle.internal";

    private static readonly string Marker = Guid.NewGuid().ToString("N");
    private static readonly string Token = $"gitea-token-{Marker}";

    private System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate = null!;
    private BottleHarness _bottles = null!;
    private GitHttpServer _git = null!;

    public async Task InitializeAsync()
    {
        var certificates = TestCertificates.For(GitHost);
        _certificate = certificates.ServerCertificate();
        _bottles = new BottleHarness(ClaudeAgentManifest.For(1));
        var ca = Path.Combine(_bottles.Scratch("upstream"), "ca.pem");
        await File.WriteAllTextAsync(ca, certificates.CaPem);
        _bottles.Egress.UpstreamCaFile = ca;
        var basic = "Basic " + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"botbottle:{Token}"));
        _git = await GitHttpServer.StartAsync(_bottles.Scratch("git"), basic, _certificate);
        await _git.CreateRepositoryAsync("acme/widgets", "widget.txt", "version one\n");
        await _git.CreateRepositoryAsync("acme/payroll", "salaries.txt", "confidential\n");
    }

    public async Task DisposeAsync()
    {
        await _bottles.DisposeAsync();
        await _git.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task The_bottle_fetches_and_pushes_its_PRs_repository_through_the_sidecar_and_holds_no_token()
    {
        var origin = $"https://{GitHost}:{_git.Url.Port}/";
        var gitea = Microsoft.Extensions.Options.Options.Create(new GiteaOptions { BaseUrl = new Uri(origin), Token = Token, Login = "botbottle" });
        var prepared = await _bottles.Backend.PrepareAsync(
            new BottleSpec(_bottles.Manifest, "claude", false, "/home/operator/project", "test"), WorkspaceSource.Empty, default);
        var bottle = new GitRemoteBroker(gitea).Apply(RepositoryEgress.Apply(prepared, $"{origin}acme/widgets.git"));
        await _bottles.Backend.LaunchAsync(bottle, default);

        // The PR's clone URL, as git in the bottle (or the agent) would use it; nothing but the URL is configured.
        var pushed = await _bottles.BashAsync(bottle, $"""
            set -e
            cd /tmp
            git clone --quiet {origin}acme/widgets.git widgets
            cd widgets
            echo "version two" > widget.txt
            git -c user.name=agent -c user.email=agent@localhost commit --quiet -am "the agent's change"
            git push --quiet origin HEAD:refs/heads/agent-change
            cat widget.txt
            """);
        var elsewhere = await _bottles.BashAsync(bottle, $"git ls-remote {origin}acme/payroll.git 2>&1; echo exit=$?");
        var traversal = await _bottles.BashAsync(bottle, $"git ls-remote {origin}acme/widgets.git/../payroll.git 2>&1; echo exit=$?");
        // Gitea answers an LFS batch request with the caller's own Authorization header in it: only
        // git's smart-HTTP endpoints are let through, or the sidecar would hand the token to the bottle.
        var lfs = await _bottles.BashAsync(bottle, """
            git_port=${GIT_CONFIG_KEY_0#url.http://}; git_port=${git_port%%/*}
            exec 3<>"/dev/tcp/${git_port%:*}/${git_port##*:}" || exit 7
            body='{"operation":"upload","objects":[]}'
            printf 'POST /acme/widgets.git/info/lfs/objects/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.git-lfs+json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' ${#body} "$body" >&3
            timeout 10 head -c 12 <&3
            """);

        Assert.True(pushed.ExitCode == 0, pushed.StandardOutput + pushed.StandardError);
        Assert.Equal("version two", pushed.StandardOutput.Trim());
        var bare = Path.Combine(_git.Root, "acme/widgets.git");
        Assert.Equal("version two\n", await GitHttpServer.GitAsync(bare, "show", "agent-change:widget.txt"));
        Assert.Contains("exit=128", elsewhere.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("exit=128", traversal.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(_git.Requests, r => r.PathAndQuery.Contains("payroll", StringComparison.Ordinal));
        Assert.Equal("HTTP/1.1 403", lfs.StandardOutput.Trim());
        Assert.DoesNotContain(_git.Requests, r => r.PathAndQuery.Contains("/info/lfs", StringComparison.Ordinal));
        Assert.Contains(_git.Requests, r => r.Method == "POST" && r.PathAndQuery.EndsWith("/git-receive-pack", StringComparison.Ordinal));
        Assert.All(_git.Requests, r => Assert.Equal(_git.Authorization, r.Authorization));

        // The token is in no variable, process, file or log of the bottle, nor in its state directory.
        var inspect = await _bottles.Docker.Containers.InspectContainerAsync(DockerNames.Container(bottle.Slug));
        Assert.DoesNotContain(inspect.Config.Env, e => e.Contains(Marker, StringComparison.Ordinal));
        var search = await _bottles.BashAsync(bottle, $"cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c -- {Marker}; grep -rls -D skip -- {Marker} /home /tmp /var/tmp /run /etc; true");
        Assert.Equal("0", search.StandardOutput.Trim());
        Assert.DoesNotContain(Directory.EnumerateFiles(bottle.StateDirectory, "*", SearchOption.AllDirectories),
            file => File.ReadAllText(file).Contains(Marker, StringComparison.Ordinal));
        Assert.DoesNotContain(Marker, await _bottles.LogsAsync(EgressSidecars.ContainerName(bottle.Slug)), StringComparison.Ordinal);
    }


}
