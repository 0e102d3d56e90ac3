using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BotBottle.Testing;

/// <summary>
/// A stand-in for an Ollama server speaking its OpenAI-compatible chat completions API, as OpenCode
/// (through <c>@ai-sdk/openai-compatible</c>) uses it: <c>POST /v1/chat/completions</c> with
/// <c>stream: true</c>, answered with <c>chat.completion.chunk</c> events, a last chunk with the
/// finish reason and usage, then <c>data: [DONE]</c>. A scripted tool call is a <c>tool_calls</c>
/// delta for the shell tool the request offers (OpenCode's <c>bash</c>); the CLI runs it and sends a
/// <c>tool</c> message back. It also answers Ollama's own <c>/api/version</c> and <c>/api/tags</c>.
/// </summary>
public sealed class ScriptedOllamaServer : ScriptedModelServer
{
    private const string CompletionsPath = "/v1/chat/completions";

    private static readonly Dictionary<string, string> ShellTools = new(StringComparer.Ordinal)
    {
        ["bash"] = "command",
        ["shell"] = "command",
    };

    /// <summary>The models it says it has (for /api/tags and /v1/models).</summary>
    public IReadOnlyList<string> Models { get; init; } = ["qwen3:8b"];

    public static Task<ScriptedOllamaServer> StartAsync(params string[] models)
    {
        var server = models.Length == 0 ? new ScriptedOllamaServer() : new ScriptedOllamaServer { Models = models };
        return StartAsync(server, app =>
        {
            app.MapPost(CompletionsPath, (HttpContext context) => server.AnswerModelRequestAsync(context, (request, n) => AnswerAsync(server, context.Response, request, n)));
            app.MapGet("/api/version", () => Results.Json(new { version = "0.12.6" }));
            app.MapGet("/api/tags", () => Results.Json(new { models = server.Models.Select(m => new { name = m, model = m, size = 5_200_000_000L }) }));
            app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = server.Models.Select(m => new { id = m, @object = "model", owned_by = "library" }) }));
        }, certificate: null);
    }

    /// <summary>The chat requests whose messages contain <paramref name="text"/>.</summary>
    public IReadOnlyList<RecordedRequest> RequestsMentioning(string text) => RequestsTo(CompletionsPath, text);

    /// <summary>The conversation a chat request carried: user, assistant and tool messages (the system prompt left out).</summary>
    public static IReadOnlyList<ConversationTurn> ConversationOf(RecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var json = request.Json();
        return [.. json.RootElement.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() is "user" or "assistant" or "tool")
            .Select(m => new ConversationTurn(m.GetProperty("role").GetString()!, m.TryGetProperty("content", out var c) ? TextOf(c) : ""))];
    }

    private static async Task AnswerAsync(ScriptedOllamaServer server, HttpResponse response, RecordedRequest request, int n)
    {
        var body = JsonNode.Parse(request.Body)!;
        var model = body["model"]?.GetValue<string>() ?? "";
        if (server.Failure(request) is { } failure)
        {
            await SendOpenAiErrorAsync(response, 400, failure);
            return;
        }

        if (!server.Models.Contains(model))
        {
            // What Ollama answers for a model it has not pulled.
            await SendOpenAiErrorAsync(response, 404, $"model \"{model}\" not found, try pulling it first", "api_error");
            return;
        }

        var command = ConversationOf(request) is [.., { Role: "user" }] ? server.ToolCall(request) : null;
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        JsonObject Chunk(JsonObject delta, string? finish) => new()
        {
            ["id"] = $"chatcmpl-scripted-{n}",
            ["object"] = "chat.completion.chunk",
            ["created"] = created,
            ["model"] = model,
            ["system_fingerprint"] = "fp_ollama",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        };

        StartEventStream(response);
        if (command is null)
        {
            foreach (var piece in Pieces(server.Reply(n)))
            {
                await SendAsync(response, Chunk(new JsonObject { ["role"] = "assistant", ["content"] = piece }, null));
            }
        }
        else
        {
            var (tool, argument) = ShellToolOf(body) ?? throw new InvalidOperationException("the request offers no shell tool to call");
            await SendAsync(response, Chunk(new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = "",
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["id"] = $"call_scripted_{n}",
                    ["type"] = "function",
                    ["function"] = new JsonObject
                    {
                        ["name"] = tool,
                        ["arguments"] = new JsonObject { [argument] = command, ["description"] = "Run the scripted command" }.ToJsonString(),
                    },
                }),
            }, null));
        }

        var last = Chunk(new JsonObject(), command is null ? "stop" : "tool_calls");
        last["usage"] = new JsonObject { ["prompt_tokens"] = 100, ["completion_tokens"] = 12, ["total_tokens"] = 112 };
        await SendAsync(response, last);
        await SendEventAsync(response, null, "[DONE]");
    }

    private static (string Tool, string Argument)? ShellToolOf(JsonNode body) =>
        ShellTool(body["tools"]?.AsArray().Select(t => t?["function"]?["name"]?.GetValue<string>()) ?? [], ShellTools);

    private static Task SendAsync(HttpResponse response, JsonObject chunk) => SendEventAsync(response, null, chunk.ToJsonString(JsonSerializerOptions.Default));
}
