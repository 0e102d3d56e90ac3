using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BotBottle.Testing;

/// <summary>
/// A model server speaking the Anthropic Messages API (streaming server-sent events, as the real
/// API does), so the REAL Claude Code CLI inside a bottle can be driven end to end with no network.
/// It answers every request with the next scripted reply and records every request it received.
/// Listens on all interfaces: bottles reach it through their network's gateway.
/// </summary>
public sealed class ScriptedAnthropicServer : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _replyCount;
    private int _inFlight;
    private int _maxInFlight;


    public int Port { get; private set; }

    /// <summary>The text of reply number n (1-based); the default names the number so tests can find it.</summary>
    public Func<int, string> Reply { get; set; } = n => $"Scripted reply {n}.";

    /// <summary>Delay before answering reply number n, to hold a run in flight.</summary>
    public Func<int, TimeSpan> Delay { get; set; } = _ => TimeSpan.Zero;

    /// <summary>Awaited with the request body before answering: a test holds chosen requests until it lets them go.</summary>
    public Func<string, Task> Gate { get; set; } = _ => Task.CompletedTask;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>How many model requests have been answered or are being answered.</summary>
    public int ReplyCount => Volatile.Read(ref _replyCount);

    /// <summary>The most model requests that were ever being answered at the same moment.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <param name="certificate">When given, the server speaks HTTPS with it, as the real API does.</param>
    public static async Task<ScriptedAnthropicServer> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var server = new ScriptedAnthropicServer();
        (server._app, var url) = await LocalHttpServer.StartAsync(IPAddress.Any, app =>
        {
            app.MapPost("/v1/messages", server.MessagesAsync);
            app.MapPost("/v1/messages/count_tokens", (HttpContext _) => Results.Json(new { input_tokens = 42 }));
            app.MapFallback(async context =>
            {
                server._requests.Enqueue(new RecordedRequest(context.Request.Path, await ReadBodyAsync(context.Request)) { Credentials = CredentialsOf(context.Request) });
                context.Response.StatusCode = 404;
            });
        }, certificate);
        server.Port = url.Port;
        return server;
    }

    /// <summary>The requests whose conversation contains <paramref name="text"/> in a user turn.</summary>
    public IReadOnlyList<RecordedRequest> RequestsMentioning(string text) =>
        [.. Requests.Where(r => r.Path == "/v1/messages" && r.Body.Contains(text, StringComparison.Ordinal))];

    private async Task MessagesAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request);
        _requests.Enqueue(new RecordedRequest(context.Request.Path, body) { Credentials = CredentialsOf(context.Request) });
        var n = Interlocked.Increment(ref _replyCount);
        var inFlight = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, inFlight);
        try
        {
            await AnswerAsync(context, body, n);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private async Task AnswerAsync(HttpContext context, string body, int n)
    {
        await Task.Delay(Delay(n), context.RequestAborted);
        await Gate(body).WaitAsync(context.RequestAborted);
        var request = JsonNode.Parse(body);
        var model = request?["model"]?.GetValue<string>() ?? "claude-scripted";
        var text = Reply(n);
        if (request?["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(context.Response, model, text, n);
        }
        else
        {
            await context.Response.WriteAsJsonAsync(Message(model, text, n));
        }
    }

    private static async Task StreamAsync(HttpResponse response, string model, string text, int n)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var start = Message(model, "", n);
        start["content"] = new JsonArray();
        start["stop_reason"] = null;
        start["usage"] = new JsonObject { ["input_tokens"] = 100, ["output_tokens"] = 1 };
        await SendAsync(response, "message_start", new JsonObject { ["type"] = "message_start", ["message"] = start });
        await SendAsync(response, "content_block_start", new JsonObject
        {
            ["type"] = "content_block_start",
            ["index"] = 0,
            ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" },
        });
        foreach (var piece in Pieces(text))
        {
            await SendAsync(response, "content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = 0,
                ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = piece },
            });
        }

        await SendAsync(response, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        await SendAsync(response, "message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = "end_turn", ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = 12 },
        });
        await SendAsync(response, "message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    private static JsonObject Message(string model, string text, int n) => new()
    {
        ["id"] = $"msg_scripted_{n}",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
        ["stop_reason"] = "end_turn",
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = 100, ["output_tokens"] = 12 },
    };

    private static IEnumerable<string> Pieces(string text)
    {
        for (var i = 0; i < text.Length; i += 8)
        {
            yield return text.Substring(i, Math.Min(8, text.Length - i));
        }
    }

    private static async Task SendAsync(HttpResponse response, string eventName, JsonObject data)
    {
        await response.WriteAsync($"event: {eventName}\ndata: {data.ToJsonString()}\n\n", Encoding.UTF8);
        await response.Body.FlushAsync();
    }

    /// <summary>Every instance of the headers a model credential travels in, as "name: value".</summary>
    private static string[] CredentialsOf(HttpRequest request) =>
        [.. ((string[])["x-api-key", "authorization"]).SelectMany(name => request.Headers[name].Select(value => $"{name}: {value}"))];

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record RecordedRequest(string Path, string Body)
{
    /// <summary>The credential headers the request arrived with (x-api-key, authorization), every instance.</summary>
    public IReadOnlyList<string> Credentials { get; init; } = [];

    public JsonDocument Json() => JsonDocument.Parse(Body);
}
