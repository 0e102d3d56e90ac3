using BotBottle.Testing;
using System.Text.Json;

namespace BotBottle.Cli.Tests.Commands;

/// <summary>The real CLI process against the real stack (Web, Worker, Redis, Docker, the real Claude Code CLI in the bottles).</summary>
public sealed class CliTests(RunningServices services) : IClassFixture<RunningServices>
{
    private string[] Server => ["--server", services.Web.Url.ToString(), "--token", RunningServices.Token];

    [Fact]
    public async Task Run_prints_the_agents_JSON_with_its_session_id_and_slug_and_run_resume_continues_that_session()
    {
        var run = await Cli.RunAsync(null, ["run", "claude", "List the failing tests.", .. Server]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var first = JsonDocument.Parse(run.Stdout);
        var session = first.RootElement.GetProperty("session_id").GetString()!;
        var slug = first.RootElement.GetProperty("slug").GetString()!;
        Assert.True(Guid.TryParse(session, out _));
        Assert.StartsWith("Scripted reply", first.RootElement.GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Contains("[starting]", run.Stderr, StringComparison.Ordinal);

        var resumed = await Cli.RunAsync(null, ["run-resume", slug, "--claude-session", session, "Now fix the first one.", .. Server]);

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        using var second = JsonDocument.Parse(resumed.Stdout);
        Assert.Equal((session, slug), (second.RootElement.GetProperty("session_id").GetString(), second.RootElement.GetProperty("slug").GetString()));
        Assert.Contains("List the failing tests.", services.Model.RequestsMentioning("Now fix the first one.")[^1].Body, StringComparison.Ordinal);

        // What each run did and cost, as the CLI shows it afterwards.
        var shown = await Cli.RunAsync(null, ["show", slug, .. Server]);
        var all = await Cli.RunAsync(null, ["list", "--all", "--json", .. Server]);
        var usage = await Cli.RunAsync(null, ["usage", "--by", "agent", "--json", .. Server]);

        Assert.True(shown.ExitCode == 0, shown.Stderr);
        Assert.Equal(2, shown.Stdout.Split('\n').Count(line => line.Contains(" succeeded in ", StringComparison.Ordinal)));
        Assert.Contains($"session {session}", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("  | Scripted reply", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("  cost $", shown.Stdout, StringComparison.Ordinal);
        using var listed = JsonDocument.Parse(all.Stdout);
        Assert.Contains(listed.RootElement.GetProperty("recent").EnumerateArray(), r => r.GetProperty("slug").GetString() == slug && r.GetProperty("kind").GetString() == "resume");
        using var totals = JsonDocument.Parse(usage.Stdout);
        var claude = totals.RootElement.EnumerateArray().Single(r => r.GetProperty("key").GetString() == "claude");
        Assert.True(claude.GetProperty("runs").GetInt32() >= 2);
        Assert.True(claude.GetProperty("costUsd").GetDecimal() > 0);
    }

    [Fact]
    public async Task Start_on_a_terminal_asks_for_label_and_colour_again_until_valid_and_list_json_shows_them()
    {
        var started = await Cli.RunOnTerminalAsync($"{new string('€', 22)}\ndocs sweep\npurple", ["start", "claude", "--detach", .. Server]);

        Assert.True(started.ExitCode == 0, started.Stdout + started.Stderr);
        Assert.Contains("botbottle: agent label [claude]: ", started.Stdout, StringComparison.Ordinal);
        Assert.Contains("64", started.Stdout, StringComparison.Ordinal);
        Assert.Contains("botbottle: color (red/green/blue/... or Enter to skip): ", started.Stdout, StringComparison.Ordinal);
        Assert.Contains("purple", started.Stdout, StringComparison.Ordinal);

        var listed = await ListAsync();
        var bottle = listed.Single(b => b.GetProperty("label").GetString() == "docs sweep");
        Assert.Equal("", bottle.GetProperty("color").GetString());
        await StopAsync(bottle.GetProperty("slug").GetString()!);
    }

    [Fact]
    public async Task Start_with_label_and_colour_flags_asks_nothing_and_list_json_shows_them()
    {
        var started = await Cli.RunAsync(null, ["start", "claude", "--label", "api refactor", "--color", "bright-magenta", "--detach", .. Server]);

        Assert.True(started.ExitCode == 0, started.Stderr);
        Assert.DoesNotContain("agent label", started.Stderr, StringComparison.Ordinal);
        var slug = started.Stdout.Trim();
        var bottle = (await ListAsync()).Single(b => b.GetProperty("slug").GetString() == slug);
        Assert.Equal(("api refactor", "bright-magenta"), (bottle.GetProperty("label").GetString(), bottle.GetProperty("color").GetString()));

        var plain = await Cli.RunAsync(null, ["list", .. Server]);
        Assert.Contains($"[docker] {slug} api refactor (claude) started ", plain.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", plain.Stdout, StringComparison.Ordinal);

        var logs = await Cli.RunAsync(null, ["logs", slug, .. Server]);
        Assert.Contains("[running]", logs.Stdout, StringComparison.Ordinal);
        await StopAsync(slug);
    }

    [Fact]
    public async Task Start_with_a_backend_runs_the_bottle_there_and_list_says_which()
    {
        var started = await Cli.RunAsync(null, ["start", "claude", "--label", "sandboxed", "--backend", "gvisor", "--detach", .. Server]);

        Assert.True(started.ExitCode == 0, started.Stderr);
        var slug = started.Stdout.Trim();
        var plain = await Cli.RunAsync(null, ["list", .. Server]);
        Assert.Contains($"[gvisor] {slug} sandboxed (claude) started ", plain.Stdout, StringComparison.Ordinal);
        await StopAsync(slug);
    }

    [Fact]
    public async Task A_backend_that_is_not_one_is_refused_naming_the_ones_there_are()
    {
        var result = await Cli.RunAsync(null, ["start", "claude", "--label", "x", "--backend", "firecracker", "--detach", .. Server]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Argument 'firecracker' not recognized", result.Stderr, StringComparison.Ordinal);
        Assert.All(["'docker'", "'gvisor'"], backend => Assert.Contains(backend, result.Stderr, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_and_list_show_what_the_egress_proxy_denied()
    {
        var started = await Cli.RunAsync(null, ["start", "claude", "--label", "leaky", "--detach", .. Server]);
        Assert.True(started.ExitCode == 0, started.Stderr);
        var slug = started.Stdout.Trim();

        // The agent tries a host its manifest entry does not allow, through its proxy as any tool would.
        Assert.StartsWith("HTTP/1.1 403", await ProxyProbe.GetThroughDockerAsync($"botbottle-{slug}", "http://exfil.example.com/"), StringComparison.Ordinal);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        CliResult logs;
        while (!(logs = await Cli.RunAsync(null, ["logs", slug, .. Server])).Stdout.Contains("[egress-denied]", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no egress-denied line in the logs within 30 s:\n{logs.Stdout}");
            await Task.Delay(300);
        }

        Assert.Contains("[egress-denied] denied GET exfil.example.com:80: not on the allowlist", logs.Stdout, StringComparison.Ordinal);
        var plain = await Cli.RunAsync(null, ["list", .. Server]);
        Assert.Contains("1 egress denied", plain.Stdout, StringComparison.Ordinal);
        await StopAsync(slug);
    }

    [Fact]
    public async Task Start_without_a_terminal_never_blocks_and_takes_the_defaults()
    {
        var started = await Cli.RunAsync("", ["start", "claude", "--detach", .. Server]);

        Assert.True(started.ExitCode == 0, started.Stderr);
        var bottle = (await ListAsync()).Single(b => b.GetProperty("slug").GetString() == started.Stdout.Trim());
        Assert.Equal(("claude", ""), (bottle.GetProperty("label").GetString(), bottle.GetProperty("color").GetString()));
        await StopAsync(started.Stdout.Trim());
    }

    [Fact]
    public async Task Unknown_agent_is_refused_naming_the_known_ones()
    {
        var result = await Cli.RunAsync("", ["start", "implementer", "--detach", .. Server]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown agent 'implementer'; known agents: claude", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_named_with_where_the_address_came_from()
    {
        var result = await Cli.RunAsync(null, ["list", "--server", "http://127.0.0.1:9", "--token", "x"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot reach the BotBottle server at http://127.0.0.1:9/ (from --server)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_says_how_to_give_the_right_one()
    {
        var result = await Cli.RunAsync(null, ["list", "--server", services.Web.Url.ToString(), "--token", "wrong"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("refused the token", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_an_unknown_slug_says_there_is_no_such_bottle()
    {
        var result = await Cli.RunAsync(null, ["stop", "f00d", .. Server]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no bottle 'f00d'", result.Stderr, StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> ListAsync()
    {
        var list = await Cli.RunAsync(null, ["list", "--json", .. Server]);
        Assert.True(list.ExitCode == 0, list.Stderr);
        using var json = JsonDocument.Parse(list.Stdout);
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private async Task StopAsync(string slug)
    {
        var stopped = await Cli.RunAsync(null, ["cleanup", slug, "--purge", .. Server]);
        Assert.True(stopped.ExitCode == 0, stopped.Stderr);
    }
}
