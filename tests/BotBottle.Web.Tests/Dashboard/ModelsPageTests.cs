using Microsoft.Playwright;

namespace BotBottle.Web.Tests.Dashboard;

/// <summary>The Models page in a real browser, against a server speaking Ollama's HTTP contract (no Ollama binary can be had here).</summary>
[Collection(DashboardCollectionDefinition.Name)]
public sealed class ModelsPageTests(RunningDashboard stack)
{
    [Fact]
    public async Task The_page_renders_at_once_while_ollama_takes_connections_but_never_answers_and_then_says_so()
    {
        stack.Ollama.Stalled = true;
        try
        {
            var page = await stack.SignedInPageAsync("gina");
            var started = System.Diagnostics.Stopwatch.StartNew();
            await page.GotoAsync("/models", new() { Timeout = 2_000 });
            await Assertions.Expect(page.GetByTestId("ollama-asking")).ToBeVisibleAsync(new() { Timeout = 2_000 - (float)started.Elapsed.TotalMilliseconds });

            // The rest of the dashboard works meanwhile, and the page ends with what it found.
            await Assertions.Expect(page.GetByTestId("ollama-missing")).ToContainTextAsync("accepts connections but did not answer within 3 s", new() { Timeout = 15_000 });
        }
        finally
        {
            stack.Ollama.Stalled = false;
        }
    }

    [Fact]
    public async Task Installed_models_get_a_fit_verdict_and_models_on_the_cpu_are_warned_about_against_ollamas_contract()
    {
        stack.Ollama.PsBody = """
            {"models":[
              {"name":"qwen2.5-coder:7b","model":"qwen2.5-coder:7b","size":6207938560,"digest":"2b0496514337","details":{"format":"gguf","family":"qwen2","parameter_size":"7.6B","quantization_level":"Q4_K_M"},"expires_at":"2026-11-25T17:04:05.000Z","size_vram":3103969280,"context_length":65536},
              {"name":"llama3.2:1b","model":"llama3.2:1b","size":2147483648,"digest":"baf6a787fdff","details":{"format":"gguf","family":"llama","parameter_size":"1.2B","quantization_level":"Q8_0"},"expires_at":"2026-11-25T17:04:05.000Z","size_vram":0,"context_length":4096}
            ]}
            """;
        var page = await OpenModelsAsync("erin");

        await Assertions.Expect(page.GetByTestId("ollama-version")).ToContainTextAsync("0.12.6");
        var loaded = page.GetByTestId("loaded");
        await Assertions.Expect(loaded.Locator("tr", new() { HasTextString = "qwen2.5-coder:7b" })).ToContainTextAsync("50%");
        await Assertions.Expect(loaded.Locator("tr", new() { HasTextString = "qwen2.5-coder:7b" })).ToContainTextAsync("partly on the CPU");
        await Assertions.Expect(loaded.Locator("tr", new() { HasTextString = "llama3.2:1b" })).ToContainTextAsync("on the CPU only");
        await Assertions.Expect(loaded.Locator("tr", new() { HasTextString = "llama3.2:1b" }).GetByTestId("placement-warning")).ToContainTextAsync("nvidia-container-toolkit");
        var installed = page.GetByTestId("installed");
        await Assertions.Expect(installed.Locator("tr", new() { HasTextString = "llama3.2:1b" })).ToContainTextAsync("fits");
        await page.ScreenshotAsync(new() { Path = Path.Combine(stack.ArtifactsDirectory, "models.png"), FullPage = true });
    }

    [Fact]
    public async Task Pulling_a_model_shows_its_progress_until_it_succeeds()
    {
        stack.Ollama.PullLineDelay = TimeSpan.FromMilliseconds(20);
        stack.Ollama.HoldPullAfter = 6;
        stack.Ollama.PullLines =
        [
            """{"status":"pulling manifest"}""",
            .. Enumerable.Range(1, 10).Select(i => $$"""{"status":"pulling 2bada8a74506","digest":"sha256:2bada8a74506","total":1000,"completed":{{i * 100}}}"""),
            """{"status":"verifying sha256 digest"}""",
            """{"status":"success"}""",
        ];
        var page = await OpenModelsAsync("frank");

        await page.GetByTestId("pull-model").FillAsync("qwen2.5-coder:7b");
        await page.GetByTestId("pull").ClickAsync();

        try
        {
            // Held after five of ten layers: the page shows where the pull is, not just that it runs.
            await Assertions.Expect(page.GetByTestId("pull-status")).ToContainTextAsync("pulling 2bada8a74506");
            await Assertions.Expect(page.GetByTestId("pull-progress")).ToHaveAttributeAsync("data-value", "0.50");
        }
        finally
        {
            stack.Ollama.HoldPullAfter = null;
            stack.Ollama.ReleasePull();
        }

        await Assertions.Expect(page.GetByTestId("pull-status")).ToHaveTextAsync("success", new() { Timeout = 15_000 });
        Assert.Equal("1.00", await page.GetByTestId("pull-progress").GetAttributeAsync("data-value"));
    }

    [Fact]
    public async Task A_pull_can_be_cancelled_and_a_failed_pull_is_shown()
    {
        stack.Ollama.PullLineDelay = TimeSpan.FromMilliseconds(300);
        stack.Ollama.PullLines = [.. Enumerable.Range(1, 100).Select(i => $$"""{"status":"pulling 2bada8a74506","total":100,"completed":{{i}}}""")];
        var page = await OpenModelsAsync("gina");

        await page.GetByTestId("pull-model").FillAsync("qwen2.5-coder:14b");
        await page.GetByTestId("pull").ClickAsync();
        await Assertions.Expect(page.GetByTestId("pull-status")).ToContainTextAsync("pulling 2bada8a74506");
        await page.GetByTestId("cancel-pull").ClickAsync();
        await Assertions.Expect(page.GetByTestId("pull-status")).ToContainTextAsync("cancelled");

        stack.Ollama.PullLines = ["""{"status":"pulling manifest"}""", """{"error":"pull model manifest: file does not exist"}"""];
        await page.GetByTestId("pull-model").FillAsync("no-such-model:1b");
        await page.GetByTestId("pull").ClickAsync();
        await Assertions.Expect(page.GetByTestId("pull-error")).ToContainTextAsync("file does not exist");
    }

    private async Task<IPage> OpenModelsAsync(string name)
    {
        var page = await stack.SignedInPageAsync(name);
        await page.GotoAsync("/models");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return page;
    }
}
