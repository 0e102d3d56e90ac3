using Microsoft.Playwright;

namespace BotBottle.Bench.Dashboard;

/// <summary>
/// A signed-in dashboard in headless Chromium that notes when each agent row appears and leaves,
/// and can tell whether the page was ever reloaded since.
/// </summary>
public sealed class DashboardWatcher : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardWatcher(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<DashboardWatcher> OpenAsync(Uri web, string teamSecret)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("BOTBOTTLE_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = web.ToString() })).NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Team secret").FillAsync(teamSecret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.EvaluateAsync("""
            () => {
              window.__rowSeen = {};
              window.__rowGone = {};
              window.__sameDocument = true;
              const look = () => {
                const now = new Set();
                for (const e of document.querySelectorAll('.agent-label[data-slug]')) {
                  now.add(e.dataset.slug);
                  if (!(e.dataset.slug in window.__rowSeen)) window.__rowSeen[e.dataset.slug] = Date.now();
                }
                for (const slug of Object.keys(window.__rowSeen)) {
                  if (!now.has(slug) && !(slug in window.__rowGone)) window.__rowGone[slug] = Date.now();
                }
              };
              new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
              look();
            }
            """);
        return new DashboardWatcher(playwright, browser, page);
    }

    /// <summary>When the row of <paramref name="slug"/> first showed (ms since the epoch, the browser's clock), or null.</summary>
    public Task<double?> SeenAsync(string slug) => Page.EvaluateAsync<double?>($"() => window.__rowSeen['{slug}'] ?? null");

    public Task<int> SeenCountAsync() => Page.EvaluateAsync<int>("() => Object.keys(window.__rowSeen).length");

    public Task<int> GoneCountAsync() => Page.EvaluateAsync<int>("() => Object.keys(window.__rowGone).length");

    /// <summary>False once the page was reloaded or navigated away (the marker set at open is gone).</summary>
    public Task<bool> NeverReloadedAsync() => Page.EvaluateAsync<bool>("() => window.__sameDocument === true");

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
