using BotBottle.Testing;
using Microsoft.Playwright;

namespace BotBottle.Web.Tests.Dashboard;

/// <summary>
/// The whole stack a team member's browser talks to: a real Redis, a real Worker on the real Docker
/// engine, a real Web, and Debian's Chromium driven by Playwright. Started once for the dashboard tests.
/// </summary>
public sealed class RunningDashboard : IAsyncLifetime
{
    public const string TeamSecret = "team-secret-for-tests";

    private readonly TempDirectory _root = new("botbottle-dashboard");

    public RedisServer Redis { get; } = new();

    public ServiceProcess Worker { get; private set; } = null!;

    public ServiceProcess Web { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Ollama's HTTP contract (no Ollama binary can be had here), for the Models page.</summary>
    public LocalModels.OllamaContractServer Ollama { get; private set; } = null!;

    public string ArtifactsDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard");

    /// <summary>The team's OpenID Connect provider (a real one, OpenIddict's); it lets in <see cref="OidcUser"/> only.</summary>
    public OidcTestProvider Oidc { get; private set; } = null!;

    public const string OidcUser = "erin";

    public const string OidcProviderName = "Test IdP";

    /// <summary>The Worker's state root: each bottle's metadata.json is under it.</summary>
    public string StateRoot => _root.Combine("state");

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Ollama = await LocalModels.OllamaContractServer.StartAsync();
        var manifest = _root.Combine("agents.yaml");
        await File.WriteAllTextAsync(manifest, "agents:\n  shell:\n    image: botbottle/agent-base:bookworm\n    harness: claude\n  reviewer:\n    image: botbottle/agent-base:bookworm\n    harness: claude\n  unbuilt:\n    image: botbottle/no-such-image:none\n    harness: claude\n  without-key:\n    image: botbottle/agent-base:bookworm\n    harness: claude\n    env: { ANTHROPIC_API_KEY: \"\" }\n  thrifty:\n    image: botbottle/agent-base:bookworm\n    harness: claude\n    budget: { perDayUsd: 1 }\n");
        // What agent thrifty spent today already: its daily budget, all of it.
        var spent = new BotBottle.Core.Runs.RunRecord
        {
            JobId = "thrifty-earlier", Slug = "ca99", Agent = "thrifty", Kind = "run", Outcome = BotBottle.Core.Runs.RunState.Succeeded,
            StartedAt = DateTimeOffset.UtcNow.AddSeconds(-2), FinishedAt = DateTimeOffset.UtcNow.AddSeconds(-1), CostUsd = 1.00m,
        };
        await Redis.Connection.GetDatabase().HashSetAsync(BotBottle.Core.Runs.RunNames.Records, spent.JobId, BotBottle.Core.Jobs.BotBottleJson.Serialize(spent));
        await Redis.Connection.GetDatabase().SortedSetAddAsync(BotBottle.Core.Runs.RunNames.ByTime, spent.JobId, spent.FinishedAt.ToUnixTimeMilliseconds());
        Worker = ServiceProcess.Start("BotBottle.Worker.dll", new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = Redis.ConnectionString,
            ["BotBottle__StateRoot"] = _root.Combine("state"),
            ["BotBottle__ManifestPath"] = manifest,
            ["BotBottle__Jobs__PollInterval"] = "00:00:00.050",
            ["BotBottle__WorkerApi__Token"] = WorkerToken,
            // As the AppHost's anthropic-api-key parameter arrives; the bottles never see it.
            ["BotBottle__AgentEnvironment__ANTHROPIC_API_KEY"] = "sk-ant-test-dashboard-not-a-real-key",
        });
        Oidc = await OidcTestProvider.StartAsync("botbottle-dashboard", OidcClientSecret);
        Web = StartWeb(null);
        Oidc.RedirectUri = new Uri(Web.Url, "/signin-oidc");
        await Task.WhenAll(Worker.WaitUntilAliveAsync(TimeSpan.FromSeconds(60)), Web.WaitUntilAliveAsync(TimeSpan.FromSeconds(60)));
        Directory.CreateDirectory(ArtifactsDirectory);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("BOTBOTTLE_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    /// <summary>Stops the Web process, runs <paramref name="whileDown"/>, and starts it again on the same address.</summary>
    public async Task RestartWebAsync(Func<Task> whileDown)
    {
        ArgumentNullException.ThrowIfNull(whileDown);
        var url = Web.Url;
        await Web.DisposeAsync();
        await whileDown();
        Web = StartWeb(url);
        await Web.WaitUntilAliveAsync(TimeSpan.FromSeconds(60));
    }

    private ServiceProcess StartWeb(Uri? url) => ServiceProcess.Start("BotBottle.Web.dll", new Dictionary<string, string>
    {
        ["ConnectionStrings__redis"] = Redis.ConnectionString,
        ["BotBottle__Auth__TeamSecret"] = TeamSecret,
        ["BotBottle__Auth__ApiToken"] = ApiToken,
        // Every test's browser signs in from one address, more than ten times a minute; the limit
        // itself is SignInTests' subject, on a server of its own.
        ["BotBottle__Auth__SignInAttemptsPerMinute"] = "1000",
        ["BotBottle__Ollama__Url"] = Ollama.Url.ToString(),
        ["BotBottle__Ollama__RequestTimeout"] = "00:00:03",
        ["BotBottle__WorkerApi__Url"] = Worker.Url.ToString(),
        ["BotBottle__WorkerApi__Token"] = WorkerToken,
        ["BotBottle__Auth__Oidc__Authority"] = Oidc.Authority.ToString(),
        ["BotBottle__Auth__Oidc__ClientId"] = "botbottle-dashboard",
        ["BotBottle__Auth__Oidc__ClientSecret"] = OidcClientSecret,
        ["BotBottle__Auth__Oidc__DisplayName"] = OidcProviderName,
        ["BotBottle__Auth__Oidc__RequireHttpsMetadata"] = "false",
        ["BotBottle__Auth__Oidc__AllowedUsers__0"] = OidcUser,
    }, url);

    private const string OidcClientSecret = "oidc-client-secret-for-tests";

    private const string WorkerToken = "worker-token-for-tests";

    public const string ApiToken = "dashboard-test-token";

    /// <summary>A client of the Web's API, presenting the API token.</summary>
    public HttpClient ApiClient()
    {
        var api = new HttpClient { BaseAddress = Web.Url };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiToken);
        return api;
    }

    /// <summary>A fresh browser context (its own cookies), signed in as <paramref name="name"/>.</summary>
    public async Task<IPage> SignedInPageAsync(string name)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Web.Url.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Your name").FillAsync(name);
        await page.GetByLabel("Team secret").FillAsync(TeamSecret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
        // The page is prerendered; input only counts once the live connection is up. Once in four
        // full runs on a loaded 2-core machine the first connection never came up within 30 s;
        // the page is loaded again then, as a user would (the second failure fails the test).
        var interactive = page.Locator("[data-interactive='true']");
        try
        {
            await interactive.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        }
        catch (TimeoutException)
        {
            await page.ReloadAsync();
            await interactive.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        }

        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        if (Web is not null)
        {
            await Web.DisposeAsync();
        }

        if (Worker is not null)
        {
            await Worker.DisposeAsync();
        }

        if (Ollama is not null)
        {
            await Ollama.DisposeAsync();
        }

        if (Oidc is not null)
        {
            await Oidc.DisposeAsync();
        }

        await Redis.DisposeAsync();
        _root.Dispose();
    }
}

/// <summary>One running dashboard stack for every browser test: starting it takes seconds.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollectionDefinition : ICollectionFixture<RunningDashboard>
{
    public const string Name = "Dashboard";
}
