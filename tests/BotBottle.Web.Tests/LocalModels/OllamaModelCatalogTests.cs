using BotBottle.Web.LocalModels;
using Microsoft.Extensions.Options;
using OllamaSharp;

namespace BotBottle.Web.Tests.LocalModels;

/// <summary>The Ollama catalog against a server speaking Ollama's HTTP contract (no Ollama binary can be had here).</summary>
public sealed class OllamaModelCatalogTests : IAsyncLifetime
{
    private OllamaContractServer _server = null!;
    private HttpClient _http = null!;
    private OllamaModelCatalog _catalog = null!;

    public async Task InitializeAsync()
    {
        _server = await OllamaContractServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.Url, Timeout = Timeout.InfiniteTimeSpan };
        _catalog = new OllamaModelCatalog(new OllamaApiClient(_http), Options.Create(new OllamaOptions()));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Version_is_read_from_api_version_served_like_ollama()
    {
        Assert.Equal("0.12.6", await _catalog.VersionAsync(default));
    }

    [Fact]
    public async Task No_ollama_answering_is_no_version_rather_than_an_error()
    {
        using var nowhere = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9"), Timeout = TimeSpan.FromSeconds(5) };

        Assert.Null(await new OllamaModelCatalog(new OllamaApiClient(nowhere), Options.Create(new OllamaOptions())).VersionAsync(default));
    }

    [Fact]
    public async Task An_ollama_that_takes_connections_but_never_answers_is_given_up_on_in_time()
    {
        // What Aspire's proxy does while the Ollama container still downloads its image.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}"), Timeout = Timeout.InfiniteTimeSpan };
        var catalog = new OllamaModelCatalog(new OllamaApiClient(http), Options.Create(new OllamaOptions { RequestTimeout = TimeSpan.FromSeconds(1) }));

        var version = await catalog.VersionAsync(default).WaitAsync(TimeSpan.FromSeconds(10));
        var listing = await Assert.ThrowsAsync<OllamaRequestException>(() => catalog.InstalledAsync(default).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Null(version);
        Assert.Equal("Ollama did not answer within 1 s (BotBottle:Ollama:RequestTimeout)", listing.Message);
    }

    [Fact]
    public async Task Installed_models_are_read_from_api_tags_served_like_ollama()
    {
        var models = await _catalog.InstalledAsync(default);

        Assert.Equal(["llama3.2:1b", "qwen2.5-coder:7b"], models.Select(m => m.Name));
        var qwen = models[1];
        Assert.Equal((4683087332L, "7.6B", "Q4_K_M"), (qwen.SizeBytes, qwen.ParameterSize, qwen.Quantization));
    }

    [Fact]
    public async Task Loaded_models_carry_size_and_gpu_share_from_api_ps_served_like_ollama()
    {
        _server.PsBody = """
            {"models":[
              {"name":"qwen2.5-coder:7b","model":"qwen2.5-coder:7b","size":6207938560,"digest":"2b0496514337","details":{"parent_model":"","format":"gguf","family":"qwen2","families":["qwen2"],"parameter_size":"7.6B","quantization_level":"Q4_K_M"},"expires_at":"2026-11-25T17:04:05.000Z","size_vram":3103969280,"context_length":65536},
              {"name":"llama3.2:1b","model":"llama3.2:1b","size":2147483648,"digest":"baf6a787fdff","details":{"parent_model":"","format":"gguf","family":"llama","families":["llama"],"parameter_size":"1.2B","quantization_level":"Q8_0"},"expires_at":"2026-11-25T17:04:05.000Z","size_vram":0,"context_length":4096}
            ]}
            """;

        var loaded = await _catalog.LoadedAsync(default);

        Assert.Equal(2, loaded.Count);
        Assert.Equal(("qwen2.5-coder:7b", 6207938560L, 3103969280L, (int?)65536), (loaded[0].Name, loaded[0].SizeBytes, loaded[0].SizeVramBytes, loaded[0].ContextLength));
        Assert.Equal(0L, loaded[1].SizeVramBytes);
    }

    [Fact]
    public async Task Pull_reports_each_streamed_step_with_its_progress()
    {
        _server.PullLines =
        [
            """{"status":"pulling manifest"}""",
            """{"status":"pulling 2bada8a74506","digest":"sha256:2bada8a74506","total":4683073184,"completed":1048576}""",
            """{"status":"pulling 2bada8a74506","digest":"sha256:2bada8a74506","total":4683073184,"completed":4683073184}""",
            """{"status":"verifying sha256 digest"}""",
            """{"status":"writing manifest"}""",
            """{"status":"success"}""",
        ];

        var steps = new List<PullProgress>();
        await foreach (var step in _catalog.PullAsync("qwen2.5-coder:7b", default))
        {
            steps.Add(step);
        }

        Assert.Equal(["pulling manifest", "pulling 2bada8a74506", "pulling 2bada8a74506", "verifying sha256 digest", "writing manifest", "success"], steps.Select(s => s.Status));
        Assert.Equal(1.0, steps[2].Fraction);
        Assert.True(steps[1].Fraction < 0.01);
        Assert.Null(steps[0].Fraction);
        Assert.Contains("qwen2.5-coder:7b", _server.LastPullRequest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_pull_stops_the_download()
    {
        _server.PullLineDelay = TimeSpan.FromMilliseconds(200);
        _server.PullLines = [.. Enumerable.Range(1, 100).Select(i => $$"""{"status":"pulling 2bada8a74506","total":100,"completed":{{i}}}""")];
        using var cancel = new CancellationTokenSource();

        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in _catalog.PullAsync("qwen2.5-coder:7b", cancel.Token))
            {
                if (++seen == 3)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(3, seen);
        await WaitUntilAsync(() => _server.PullAborted);
    }

    [Fact]
    public async Task A_failed_pull_is_reported_with_ollamas_message()
    {
        _server.PullLines =
        [
            """{"status":"pulling manifest"}""",
            """{"error":"pull model manifest: file does not exist"}""",
        ];

        var error = await Assert.ThrowsAsync<OllamaRequestException>(async () =>
        {
            await foreach (var _ in _catalog.PullAsync("no-such-model:1b", default))
            {
            }
        });

        Assert.Contains("file does not exist", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
