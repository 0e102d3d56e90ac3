using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BotBottle.Testing;

/// <summary>
/// What every scripted model server shares, whatever wire protocol it speaks: it records each
/// request, answers model request number n with <see cref="Reply"/>(n) (or a tool call, or an
/// error, when the script says so), and can hold requests to keep a run in flight. It listens on
/// all interfaces: bottles reach it through their network's gateway or their egress sidecar.
/// </summary>
public abstract class ScriptedModelServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private WebApplication _app = null!;
    private int _replyCount;
    private int _inFlight;
    private int _maxInFlight;

    public int Port { get; private set; }

    /// <summary>The text of reply number n (1-based); the default names the number so tests can find it.</summary>
    public Func<int, string> Reply { get; set; } = n => $"Scripted reply {n}.";

    /// <summary>
    /// A shell command the model asks the CLI to run, for a request whose conversation ends with the
    /// user's turn (so the model asks once, reads the result and then answers); null to answer with text.
    /// </summary>
    public Func<RecordedRequest, string?> ToolCall { get; set; } = _ => null;

    /// <summary>An error message the API answers the request with (HTTP 400, in the provider's own error shape); null to answer.</summary>
    public Func<RecordedRequest, string?> Failure { get; set; } = _ => null;

    /// <summary>Delay before answering reply number n, to hold a run in flight.</summary>
    public Func<int, TimeSpan> Delay { get; set; } = _ => TimeSpan.Zero;

    /// <summary>Awaited with the request body before answering: a test holds chosen requests until it lets them go.</summary>
    public Func<string, Task> Gate { get; set; } = _ => Task.CompletedTask;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>How many model requests have been answered or are being answered.</summary>
    public int ReplyCount => Volatile.Read(ref _replyCount);

    /// <summary>The most model requests that were ever being answered at the same moment.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>The model requests (to <paramref name="modelPath"/>) whose body contains <paramref name="text"/>.</summary>
    protected IReadOnlyList<RecordedRequest> RequestsTo(string modelPath, string text) =>
        [.. Requests.Where(r => r.Path == modelPath && r.Body.Contains(text, StringComparison.Ordinal))];

    /// <summary>Starts <paramref name="server"/> with its routes; anything else is recorded and answered 404.</summary>
    protected static async Task<T> StartAsync<T>(T server, Action<WebApplication> map, X509Certificate2? certificate)
        where T : ScriptedModelServer
    {
        ArgumentNullException.ThrowIfNull(server);
        (server._app, var url) = await LocalHttpServer.StartAsync(IPAddress.Any, app =>
        {
            map(app);
            app.MapFallback(async context =>
            {
                await server.RecordAsync(context);
                context.Response.StatusCode = 404;
            });
        }, certificate);
        server.Port = url.Port;
        return server;
    }

    /// <summary>Records the request, then answers it with <paramref name="answer"/>(request, n) after the delay and the gate.</summary>
    protected async Task AnswerModelRequestAsync(HttpContext context, Func<RecordedRequest, int, Task> answer)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(answer);
        var request = await RecordAsync(context);
        var n = Interlocked.Increment(ref _replyCount);
        var inFlight = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, inFlight);
        try
        {
            await Task.Delay(Delay(n), context.RequestAborted);
            await Gate(request.Body).WaitAsync(context.RequestAborted);
            await answer(request, n);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>An error as OpenAI's APIs (and Ollama's OpenAI-compatible one) answer it: <c>{"error": {message, type, param, code}}</c>.</summary>
    protected static async Task SendOpenAiErrorAsync(HttpResponse response, int status, string message, string type = "invalid_request_error")
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = status;
        await response.WriteAsJsonAsync(new { error = new { message, type, param = (string?)null, code = (string?)null } });
    }

    protected static async Task SendEventAsync(HttpResponse response, string? eventName, string data)
    {
        ArgumentNullException.ThrowIfNull(response);
        await response.WriteAsync((eventName is null ? "" : $"event: {eventName}\n") + $"data: {data}\n\n", Encoding.UTF8);
        await response.Body.FlushAsync();
    }

    protected static void StartEventStream(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
    }

    /// <summary>The text in pieces of 8 characters, as a streaming API delivers it.</summary>
    protected static IEnumerable<string> Pieces(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i += 8)
        {
            yield return text.Substring(i, Math.Min(8, text.Length - i));
        }
    }

    /// <summary>The first tool among <paramref name="offered"/> (the request's tool names) that is one of <paramref name="shellTools"/> (name -> the argument that takes the command).</summary>
    protected static (string Tool, string Argument)? ShellTool(IEnumerable<string?> offered, IReadOnlyDictionary<string, string> shellTools)
    {
        ArgumentNullException.ThrowIfNull(offered);
        ArgumentNullException.ThrowIfNull(shellTools);
        return offered.FirstOrDefault(name => name is not null && shellTools.ContainsKey(name)) is { } tool ? (tool, shellTools[tool]) : null;
    }

    /// <summary>The text of a JSON content value: a string, or the concatenated <c>text</c> of its parts.</summary>
    protected static string TextOf(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Concat(content.EnumerateArray()
            .Where(b => b.ValueKind == JsonValueKind.Object && b.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            .Select(b => b.GetProperty("text").GetString())),
        _ => "",
    };

    private async Task<RecordedRequest> RecordAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var request = new RecordedRequest(context.Request.Path, await reader.ReadToEndAsync()) { Credentials = CredentialsOf(context.Request) };
        _requests.Enqueue(request);
        return request;
    }

    /// <summary>Every instance of the headers a model credential travels in, as "name: value".</summary>
    private static string[] CredentialsOf(HttpRequest request) =>
        [.. ((string[])["x-api-key", "authorization"]).SelectMany(name => request.Headers[name].Select(value => $"{name}: {value}"))];

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>One turn of a conversation as a model request carried it: who spoke and what was said.</summary>
/// <param name="Role">user, assistant or tool (a tool's result).</param>
public sealed record ConversationTurn(string Role, string Text);

public sealed record RecordedRequest(string Path, string Body)
{
    /// <summary>The credential headers the request arrived with (x-api-key, authorization), every instance.</summary>
    public IReadOnlyList<string> Credentials { get; init; } = [];

    public JsonDocument Json() => JsonDocument.Parse(Body);
}
