using System.Net;
using System.Text;
using BotBottle.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BotBottle.Web.Tests.LocalModels;

/// <summary>
/// No Ollama binary can be had on this machine: this server answers Ollama's documented HTTP API
/// (/api/version, /api/tags, /api/ps, streaming /api/pull) with bodies shaped exactly like Ollama's
/// (field names, nesting, newline-delimited JSON for the pull), so the client is tested against
/// the contract rather than a mock of our own code.
/// </summary>
public sealed class OllamaContractServer : IAsyncDisposable
{
    private WebApplication _app = null!;

    public Uri Url { get; private set; } = null!;

    /// <summary>Body of /api/ps; tests set the loaded models they need.</summary>
    public string PsBody { get; set; } = """{"models":[]}""";

    /// <summary>Lines streamed by /api/pull, one JSON object each, with a pause between them.</summary>
    public IReadOnlyList<string> PullLines { get; set; } = [];

    public TimeSpan PullLineDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// When set, the pull stops after streaming this many lines until <see cref="ReleasePull"/>, so a test
    /// can look at an intermediate state without racing the stream.
    /// </summary>
    public int? HoldPullAfter { get; set; }

    private TaskCompletionSource _pullReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleasePull() => _pullReleased.TrySetResult();

    public bool PullAborted { get; private set; }

    public string? LastPullRequest { get; private set; }

    /// <summary>While true, every request is held without an answer.</summary>
    public bool Stalled { get; set; }

    public static async Task<OllamaContractServer> StartAsync()
    {
        var server = new OllamaContractServer();
        (server._app, server.Url) = await LocalHttpServer.StartAsync(IPAddress.Loopback, app =>
        {
            // An Ollama that takes connections but does not answer (still starting, or Aspire's proxy
            // in front of a container still downloading its image) holds every request while Stalled.
            app.Use(async (context, next) =>
            {
                while (server.Stalled && !context.RequestAborted.IsCancellationRequested)
                {
                    await Task.Delay(50, CancellationToken.None);
                }

                await next(context);
            });
            app.MapGet("/api/version", () => Results.Text("""{"version":"0.12.6"}""", "application/json"));
            app.MapGet("/api/tags", () => Results.Text(Tags, "application/json"));
            app.MapGet("/api/ps", () => Results.Text(server.PsBody, "application/json"));
            app.MapPost("/api/pull", server.PullAsync);
        });
        return server;
    }

    private async Task PullAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        LastPullRequest = await reader.ReadToEndAsync();
        context.Response.ContentType = "application/x-ndjson";
        try
        {
            var released = _pullReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            for (var i = 0; i < PullLines.Count; i++)
            {
                if (i == HoldPullAfter)
                {
                    await released.Task.WaitAsync(context.RequestAborted);
                }

                await context.Response.WriteAsync(PullLines[i] + "\n", Encoding.UTF8, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(PullLineDelay, context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            PullAborted = true;
        }
    }

    // As Ollama 0.12 answers GET /api/tags (abridged to two models).
    private const string Tags = """
        {"models":[
          {"name":"qwen2.5-coder:7b","model":"qwen2.5-coder:7b","modified_at":"2026-11-20T10:15:31.123456789Z","size":4683087332,
           "digest":"2b0496514337a3d5901f1d253d01726c890b721e891335a56d6e08cedf3e2cb0",
           "details":{"parent_model":"","format":"gguf","family":"qwen2","families":["qwen2"],"parameter_size":"7.6B","quantization_level":"Q4_K_M"}},
          {"name":"llama3.2:1b","model":"llama3.2:1b","modified_at":"2026-11-18T08:01:02.5Z","size":1321098329,
           "digest":"baf6a787fdffd633537aa2eb51cfd54cb93ff08e28040095462bb63daf552878",
           "details":{"parent_model":"","format":"gguf","family":"llama","families":["llama"],"parameter_size":"1.2B","quantization_level":"Q8_0"}}
        ]}
        """;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
