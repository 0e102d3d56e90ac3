using BotBottle.Core.Harnesses;
using BotBottle.Core.Jobs;
using BotBottle.Core.Runs;
using System.Net;
using Microsoft.Playwright;

namespace BotBottle.Web.Tests.Dashboard;

/// <summary>The dashboard in a real browser (Debian's Chromium) against the running stack.</summary>
[Collection(DashboardCollectionDefinition.Name)]
public sealed class DashboardTests(RunningDashboard stack)
{
    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_and_the_live_hub_refuses_them()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = stack.Web.Url };

        using var page = await http.GetAsync(new Uri("/", UriKind.Relative));
        using var hub = await http.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null);
        using var rowsHub = await http.PostAsync(new Uri("/hubs/bottles/negotiate?negotiateVersion=1", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/signin", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, hub.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, rowsHub.StatusCode);
    }

    [Fact]
    public async Task A_wrong_team_secret_does_not_sign_in()
    {
        var context = await stack.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = stack.Web.Url.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("Team secret").FillAsync("not-the-secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not right");
        await context.DisposeAsync();
    }

    [Fact]
    public async Task A_launch_with_a_label_and_colour_appears_live_in_another_browser_and_goes_when_stopped()
    {
        var alice = await stack.SignedInPageAsync("alice");
        var bob = await stack.SignedInPageAsync("bob");
        await Assertions.Expect(bob.GetByText("No agents are running.")).ToBeVisibleAsync();

        await alice.GetByTestId("agent").SelectOptionAsync("shell");
        await Assertions.Expect(alice.GetByLabel("Label")).ToHaveValueAsync("shell");
        await alice.GetByLabel("Label").FillAsync("payments bug");
        await alice.Locator("button[data-color='bright-magenta']").ClickAsync();
        await alice.GetByTestId("launch").ClickAsync();

        var row = bob.Locator(".agent-label", new() { HasTextString = "payments bug" });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 60_000 });
        // The launch notice followed the job to its end and leads to the agent's page.
        await Assertions.Expect(alice.GetByTestId("launch-message")).ToHaveAttributeAsync("data-stage", new System.Text.RegularExpressions.Regex("running|finished"), new() { Timeout = 30_000 });
        await Assertions.Expect(alice.GetByTestId("launch-message")).ToContainTextAsync("payments bug is running in bottle");
        Assert.StartsWith("/agents/", await alice.GetByTestId("launch-agent-link").GetAttributeAsync("href"), StringComparison.Ordinal);
        Assert.Equal("bright-magenta", await row.GetAttributeAsync("data-color"));
        Assert.Equal("rgb(255, 140, 255)", await row.EvaluateAsync<string>("e => getComputedStyle(e).color"));
        Assert.Equal("700", await row.EvaluateAsync<string>("e => getComputedStyle(e).fontWeight"));
        await bob.ScreenshotAsync(new() { Path = Path.Combine(stack.ArtifactsDirectory, "row-in-second-browser.png"), FullPage = true });

        await alice.GetByRole(AriaRole.Button, new() { Name = "Stop payments bug" }).ClickAsync();
        await alice.GetByRole(AriaRole.Button, new() { Name = "Confirm stopping payments bug" }).ClickAsync();

        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await bob.ScreenshotAsync(new() { Path = Path.Combine(stack.ArtifactsDirectory, "row-gone.png"), FullPage = true });
    }

    [Fact]
    public async Task A_bottle_launched_on_the_gvisor_backend_from_the_picker_shows_it_on_its_row()
    {
        var page = await stack.SignedInPageAsync("alice");
        // The Worker offered it at start: this machine's engine has the runsc runtime (test.sh registers it).
        await Assertions.Expect(page.Locator("[data-testid='backend'] option[value='gvisor']")).ToBeEnabledAsync(new() { Timeout = 30_000 });

        await page.GetByTestId("agent").SelectOptionAsync("shell");
        await page.GetByLabel("Label").FillAsync("sandboxed");
        await page.GetByTestId("backend").SelectOptionAsync("gvisor");
        await page.GetByTestId("launch").ClickAsync();

        await Assertions.Expect(page.GetByTestId("launch-message")).ToContainTextAsync("sandboxed is running in bottle", new() { Timeout = 60_000 });
        var row = page.Locator("tr", new() { Has = page.Locator(".agent-label", new() { HasTextString = "sandboxed" }) });
        await Assertions.Expect(row).ToContainTextAsync("gvisor", new() { Timeout = 60_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop sandboxed" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm stopping sandboxed" }).ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task Signing_in_with_the_teams_provider_records_the_login_on_what_they_launch_and_stop_and_others_are_refused()
    {
        var context = await stack.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = stack.Web.Url.ToString() });
        var page = await context.NewPageAsync();
        var signIn = page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {RunningDashboard.OidcProviderName}" });

        stack.Oidc.Login = "mallory";
        await page.GotoAsync("/");
        await signIn.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("mallory may not sign in to BotBottle");

        stack.Oidc.Login = RunningDashboard.OidcUser;
        await signIn.ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync(RunningDashboard.OidcUser);

        await page.GetByTestId("agent").SelectOptionAsync("shell");
        await page.GetByLabel("Label").FillAsync("audited launch");
        await page.GetByTestId("launch").ClickAsync();
        await Assertions.Expect(page.GetByTestId("launch-message")).ToContainTextAsync("audited launch is running in bottle", new() { Timeout = 60_000 });
        await page.GetByTestId("launch-agent-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("started-by")).ToHaveTextAsync($"dashboard:{RunningDashboard.OidcUser}");
        var slug = page.Url.Split('/')[^1];
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop audited launch" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm stopping audited launch" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("not-running")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var metadata = await File.ReadAllTextAsync(Path.Combine(stack.StateRoot, slug, "metadata.json"));
        Assert.Contains($"\"identity\": \"dashboard:{RunningDashboard.OidcUser}\"", metadata, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("output")).ToContainTextAsync($"stopped by dashboard:{RunningDashboard.OidcUser}");
        Assert.Equal(["mallory", RunningDashboard.OidcUser], stack.Oidc.Issued);
    }

    [Theory]
    [InlineData("unbuilt", "unbuilt failed: the image botbottle/no-such-image:none of agent unbuilt is missing on the Docker engine")]
    [InlineData("without-key", "without-key failed: agent without-key (claude) has no credential for its model API: set the AppHost parameter anthropic-api-key")]
    [InlineData("thrifty", "thrifty failed: agent thrifty has spent $1.00 today (UTC) of its $1.00 daily budget (budget.perDayUsd in the manifest)")]
    public async Task A_launch_that_fails_says_so_with_the_reason_instead_of_launching_for_ever(string agent, string reason)
    {
        var page = await stack.SignedInPageAsync("carol");

        await page.GetByTestId("agent").SelectOptionAsync(agent);
        await page.GetByTestId("launch").ClickAsync();

        var notice = page.GetByTestId("launch-message");
        await Assertions.Expect(notice).ToHaveAttributeAsync("data-stage", "failed", new() { Timeout = 60_000 });
        await Assertions.Expect(notice).ToContainTextAsync(reason);
        // The failure stays in Recent, with its reason, once the notice is gone.
        var recent = page.GetByTestId("recent").Locator("tr[data-outcome='failed']", new() { HasTextString = agent }).First;
        await Assertions.Expect(recent).ToContainTextAsync(reason[(agent.Length + " failed: ".Length)..], new() { Timeout = 2_000 });
    }

    [Fact]
    public async Task Runs_show_their_cost_and_tokens_in_Recent_on_the_agents_page_and_on_the_Usage_page()
    {
        var now = DateTimeOffset.UtcNow;
        RunRecord Run(string job, string slug, decimal cost, string? pr, int minutesAgo) => new()
        {
            JobId = job, Slug = slug, Agent = "reviewer", Label = "usage check", Color = "cyan", Kind = pr is null ? "run" : "pull-request",
            Outcome = RunState.Succeeded, StartedAt = now.AddMinutes(-minutesAgo - 1), FinishedAt = now.AddMinutes(-minutesAgo),
            Answer = "Reviewed the parser.\nAll good.", SessionId = "8f4c2a1e-3b7d-4e9a-9c51-2d6f0b8e7a13", CostUsd = cost,
            Usage = new HarnessUsage(30_000, 1_200, 10_000, 0), Turns = 4, PullRequest = pr, RequestedBy = "webhook:acme/widgets#7",
        };
        var db = stack.Redis.Connection.GetDatabase();
        foreach (var run in new[] { Run("usage-job-1", "c0ffee01", 0.42m, "acme/widgets#7", 30), Run("usage-job-2", "c0ffee01", 0.95m, "acme/widgets#7", 10) })
        {
            await db.HashSetAsync(RunNames.Records, run.JobId, BotBottleJson.Serialize(run));
            await db.SortedSetAddAsync(RunNames.ByTime, run.JobId, run.FinishedAt.ToUnixTimeMilliseconds());
            await db.SortedSetAddAsync(RunNames.OfBottle(run.Slug), run.JobId, run.FinishedAt.ToUnixTimeMilliseconds());
        }

        var page = await stack.SignedInPageAsync("frank");

        var row = page.GetByTestId("recent").Locator("tr", new() { HasTextString = "usage check" }).First;
        await Assertions.Expect(row).ToContainTextAsync("$0.95");
        await Assertions.Expect(row).ToContainTextAsync("41.2k tokens");
        await Assertions.Expect(row).ToContainTextAsync("Reviewed the parser.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(stack.ArtifactsDirectory, "agents-recent.png"), FullPage = true });

        await row.GetByRole(AriaRole.Link, new() { Name = "usage check" }).ClickAsync();
        var summary = page.GetByTestId("run-summary").First;
        await Assertions.Expect(summary.GetByTestId("run-cost")).ToHaveTextAsync("$0.95");
        await Assertions.Expect(summary.GetByTestId("run-tokens")).ToContainTextAsync("30000 in · 1200 out · 10000 cache read");
        await Assertions.Expect(summary.GetByTestId("run-answer")).ToContainTextAsync("All good.");

        await page.GotoAsync("/usage");
        await Assertions.Expect(page.GetByTestId("usage-by-agent").Locator("tr", new() { HasTextString = "reviewer" })).ToContainTextAsync("$1.37");
        await Assertions.Expect(page.GetByTestId("usage-by-pr").Locator("tr", new() { HasTextString = "acme/widgets#7" })).ToContainTextAsync("2");
        await Assertions.Expect(page.GetByTestId("usage-chart").Locator("svg")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(stack.ArtifactsDirectory, "usage.png"), FullPage = true });
    }

    [Fact]
    public async Task A_label_over_64_bytes_is_refused_with_the_reason()
    {
        var page = await stack.SignedInPageAsync("carol");

        await page.GetByTestId("agent").SelectOptionAsync("reviewer");
        await page.GetByLabel("Label").FillAsync(new string('€', 22));

        await Assertions.Expect(page.GetByText("64 bytes", new() { Exact = false }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("launch")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task Pull_request_sessions_page_lists_the_registry_and_the_fork_PRs_waiting_for_approval()
    {
        var waiting = new BotBottle.Core.PullRequests.PrAwaitingApproval
        {
            Repository = "acme/gadgets", Number = 12, HeadSha = "07977177c2cd7d46bad37b8472a9d50e7acb9d1f", HeadRepository = "forker/gadgets", Since = DateTimeOffset.UtcNow,
            Work = new() { Kind = BotBottle.Core.PullRequests.PrWorkKind.Start, Repository = "acme/gadgets", Number = 12, DeliveryId = "d-12", EventKey = "opened:acme/gadgets#12" },
        };
        await stack.Redis.Connection.GetDatabase().HashSetAsync(BotBottle.Core.PullRequests.PrRedisNames.AwaitingApproval, waiting.Key, BotBottle.Core.Jobs.BotBottleJson.Serialize(waiting));
        var session = new BotBottle.Core.PullRequests.PrSession
        {
            Repository = "acme/widgets", Number = 7, Slug = "c0de", SessionId = "8f4c2a1e-3b7d-4e9a-9c51-2d6f0b8e7a13", Agent = "reviewer",
            Cwd = "/home/agent/workspace", Turns = 3, LastEvent = "sync:acme/widgets#7@abc", UpdatedAt = DateTimeOffset.UtcNow,
            PullRequestUrl = "https://gitea.example/acme/widgets/pulls/7",
        };
        await stack.Redis.Connection.GetDatabase().HashSetAsync(BotBottle.Core.PullRequests.PrRedisNames.Registry, session.Key, BotBottle.Core.Jobs.BotBottleJson.Serialize(session));
        var page = await stack.SignedInPageAsync("dave");

        await page.GotoAsync("/pull-requests");

        var row = page.GetByTestId("pr-sessions").Locator("tr", new() { HasTextString = "acme/widgets" });
        await Assertions.Expect(row).ToContainTextAsync("c0de");
        await Assertions.Expect(row).ToContainTextAsync("8f4c2a1e-3b7d-4e9a-9c51-2d6f0b8e7a13");
        await Assertions.Expect(row.GetByRole(AriaRole.Link, new() { Name = "#7" })).ToHaveAttributeAsync("href", "https://gitea.example/acme/widgets/pulls/7");
        var fork = page.GetByTestId("pr-awaiting-approval").Locator("tr", new() { HasTextString = "acme/gadgets" });
        await Assertions.Expect(fork).ToContainTextAsync("forker/gadgets");
        await Assertions.Expect(fork).ToContainTextAsync("07977177c2cd");
        await Assertions.Expect(fork).ToContainTextAsync("waiting for approval");
    }

    [Fact]
    public async Task The_whole_launch_works_from_the_keyboard_alone()
    {
        var context = await stack.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = stack.Web.Url.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        // The secret field has the focus on arrival (the name is optional); typing before it has it would be lost.
        await Assertions.Expect(page.GetByLabel("Team secret")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(RunningDashboard.TeamSecret);
        await Assertions.Expect(page.GetByLabel("Team secret")).ToHaveValueAsync(RunningDashboard.TeamSecret);
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        await page.GetByTestId("agent").FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(page.GetByTestId("agent")).ToHaveValueAsync("shell");
        // The label is prefilled by the server once it hears of the choice; a person sees that before typing over it.
        await Assertions.Expect(page.GetByLabel("Label")).ToHaveValueAsync("shell");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByLabel("Label")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("keyboard only");
        await Assertions.Expect(page.GetByLabel("Label")).ToHaveValueAsync("keyboard only");
        for (var i = 0; i < 1 + Array.IndexOf([.. BotBottle.Core.Colors.AnsiColor.Names], "bright-cyan") + 1; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Assertions.Expect(page.Locator("button[data-color='bright-cyan']")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByTestId("launch").FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        var row = page.Locator(".agent-label", new() { HasTextString = "keyboard only" });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.Equal("bright-cyan", await row.GetAttributeAsync("data-color"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop keyboard only" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm stopping keyboard only" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Labels_keep_a_readable_colour_on_the_light_theme()
    {
        var page = await stack.SignedInPageAsync("jo");

        await page.GetByTestId("theme").ClickAsync();

        var swatch = page.Locator("button[data-color='bright-magenta']");
        await Assertions.Expect(swatch).ToHaveCSSAsync("color", "rgb(178, 54, 214)");
        var white = page.Locator("button[data-color='bright-white']");
        await Assertions.Expect(white).ToHaveCSSAsync("background-color", "rgb(42, 42, 58)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(stack.ArtifactsDirectory, "light-theme.png"), FullPage = true });
    }

    [Fact]
    public async Task Agent_detail_shows_metadata_and_live_output_and_stops_with_confirmation()
    {
        var page = await stack.SignedInPageAsync("kim");
        using var api = stack.ApiClient();
        var (row, slug) = await LaunchThroughApiAsync(api, page, "detail view", "yellow");

        await row.ClickAsync();
        await page.WaitForURLAsync($"**/agents/{slug}");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        await Assertions.Expect(page.GetByTestId("metadata")).ToContainTextAsync("shell");
        await Assertions.Expect(page.GetByTestId("metadata")).ToContainTextAsync("yellow");
        await Assertions.Expect(page.GetByTestId("output")).ToContainTextAsync("running: container started");
        // An output line as a Worker publishes it while the agent works.
        var line = new BotBottle.Core.Events.BottleEvent(BotBottle.Core.Events.BottleEventKind.Output, slug, "job-x", DateTimeOffset.UtcNow, "compiling widgets.c");
        await stack.Redis.Connection.GetSubscriber().PublishAsync(StackExchange.Redis.RedisChannel.Literal(BotBottle.Core.Jobs.QueueNames.EventChannel), BotBottle.Core.Jobs.BotBottleJson.Serialize(line));
        await Assertions.Expect(page.GetByTestId("output")).ToContainTextAsync("compiling widgets.c");

        await page.GetByRole(AriaRole.Button, new() { Name = "Stop detail view" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm stopping detail view" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("not-running")).ToContainTextAsync("any more", new() { Timeout = 60_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(stack.ArtifactsDirectory, "agent-detail.png"), FullPage = true });
    }

    [Fact]
    public async Task A_request_the_egress_proxy_denies_shows_on_the_row_and_the_detail_page()
    {
        var page = await stack.SignedInPageAsync("lee");
        using var api = stack.ApiClient();
        var (label, slug) = await LaunchThroughApiAsync(api, page, "egress probe", "red");

        // The agent tries a host its manifest entry does not allow, through its proxy as any tool would.
        Assert.StartsWith("HTTP/1.1 403", await BotBottle.Testing.ProxyProbe.GetThroughDockerAsync($"botbottle-{slug}", "http://exfil.example.com/"), StringComparison.Ordinal);

        var row = page.Locator("tr", new() { Has = label });
        await Assertions.Expect(row.GetByTestId("egress-denied")).ToHaveTextAsync("1 denied", new() { Timeout = 30_000 });
        await label.ClickAsync();
        await page.WaitForURLAsync($"**/agents/{slug}");
        await Assertions.Expect(page.GetByTestId("egress-denied")).ToHaveTextAsync("1");
        await Assertions.Expect(page.GetByTestId("output")).ToContainTextAsync("egress-denied: denied GET exfil.example.com:80: not on the allowlist");
        await page.ScreenshotAsync(new() { Path = Path.Combine(stack.ArtifactsDirectory, "egress-denied.png"), FullPage = true });
        using var stopped = await api.DeleteAsync(new Uri($"/api/bottles/{slug}", UriKind.Relative));
    }

    [Fact]
    public async Task Transcript_downloads_from_the_detail_page_and_the_api_after_the_bottle_stopped()
    {
        var page = await stack.SignedInPageAsync("ola");
        using var api = stack.ApiClient();
        var (label, slug) = await LaunchThroughApiAsync(api, page, "transcript owner", "green");
        using (var stopped = await api.DeleteAsync(new Uri($"/api/bottles/{slug}", UriKind.Relative)))
        {
            stopped.EnsureSuccessStatusCode();
        }

        await Assertions.Expect(label).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await page.GotoAsync($"/agents/{slug}");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-transcript").ClickAsync());
        var saved = Path.Combine(stack.ArtifactsDirectory, download.SuggestedFilename);
        await download.SaveAsAsync(saved);

        Assert.Equal($"botbottle-{slug}-transcript.tar.gz", download.SuggestedFilename);
        Assert.Contains("transcript owner", await MetadataInArchiveAsync(File.OpenRead(saved)), StringComparison.Ordinal);
        using var fromApi = await api.GetAsync(new Uri($"/api/bottles/{slug}/transcript", UriKind.Relative));
        fromApi.EnsureSuccessStatusCode();
        Assert.Contains("transcript owner", await MetadataInArchiveAsync(await fromApi.Content.ReadAsStreamAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transcript_of_an_unknown_bottle_is_a_clear_404()
    {
        using var api = stack.ApiClient();

        using var response = await api.GetAsync(new Uri("/api/bottles/ffff/transcript", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no transcript for bottle ffff", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_transcript_api_refuses_callers_without_its_token()
    {
        using var http = new HttpClient { BaseAddress = stack.Worker.Url };

        using var response = await http.GetAsync(new Uri("/bottles/ffff/transcript", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<string> MetadataInArchiveAsync(Stream archive)
    {
        await using var gzip = new System.IO.Compression.GZipStream(archive, System.IO.Compression.CompressionMode.Decompress);
        await using var tar = new System.Formats.Tar.TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.Name == "metadata.json")
            {
                using var reader = new StreamReader(entry.DataStream!);
                return await reader.ReadToEndAsync();
            }
        }

        return "";
    }

    [Fact]
    public async Task Rows_reconnect_after_a_Web_restart_and_catch_up_without_a_page_reload()
    {
        var page = await stack.SignedInPageAsync("rio");
        using var api = stack.ApiClient();
        var (before, beforeSlug) = await LaunchThroughApiAsync(api, page, "before restart", "blue");
        await page.EvaluateAsync("() => window.__sameDocument = 'still here'");

        // While the Web is down the Worker stops that bottle: the open page must learn of it on its own.
        await stack.RestartWebAsync(async () =>
        {
            var teardown = new BotBottle.Core.Jobs.BottleJob { JobId = BotBottle.Core.Jobs.BottleJob.NewJobId(), Kind = BotBottle.Core.Jobs.JobKind.Teardown, Slug = beforeSlug, RequestedBy = "test" };
            await stack.Redis.Connection.GetDatabase().StreamAddAsync(
                BotBottle.Core.Jobs.QueueNames.JobStream, BotBottle.Core.Jobs.QueueNames.PayloadField, BotBottle.Core.Jobs.BotBottleJson.Serialize(teardown));
            await Assertions.Expect(page.GetByTestId("rows-connection")).ToHaveTextAsync("reconnecting…", new() { Timeout = 30_000 });
        });

        await Assertions.Expect(before).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        // A fresh client: the first one's pooled connection went with the old Web process.
        using var afterRestart = stack.ApiClient();
        var (after, _) = await LaunchThroughApiAsync(afterRestart, page, "after restart", "cyan");
        await Assertions.Expect(page.GetByTestId("rows-connection")).ToHaveTextAsync("live");
        Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.__sameDocument"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(stack.ArtifactsDirectory, "after-web-restart.png"), FullPage = true });

        // The table's own buttons work without the old circuit: they go through the rows hub.
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop after restart" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm stopping after restart" }).ClickAsync();
        await Assertions.Expect(after).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.__sameDocument"));
    }

    /// <summary>Launches a "shell" bottle through the API and waits for its row to show on <paramref name="page"/>.</summary>
    private static async Task<(ILocator Label, string Slug)> LaunchThroughApiAsync(HttpClient api, IPage page, string label, string color)
    {
        using (var launched = await api.PostAsync(new Uri("/api/bottles", UriKind.Relative), System.Net.Http.Json.JsonContent.Create(new { agent = "shell", label, color })))
        {
            launched.EnsureSuccessStatusCode();
        }

        var row = page.Locator(".agent-label", new() { HasTextString = label });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 60_000 });
        return (row, (await row.GetAttributeAsync("data-slug"))!);
    }
}
