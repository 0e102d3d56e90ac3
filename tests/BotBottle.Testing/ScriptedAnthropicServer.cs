using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BotBottle.Testing;

/// <summary>
/// A model server speaking the Anthropic Messages API (streaming server-sent events, as the real
/// API does), so the REAL Claude Code CLI inside a bottle can be driven end to end with no network.
/// A scripted tool call asks for Claude Code's <c>Bash</c> tool.
/// </summary>
public sealed class ScriptedAnthropicServer : ScriptedModelServer
{
    private const string MessagesPath = "/v1/messages";

    /// <param name="certificate">When given, the server speaks HTTPS with it, as the real API does.</param>
    public static Task<ScriptedAnthropicServer> StartAsync(X509Certificate2? certificate = null)
    {
        var server = new ScriptedAnthropicServer();
        return StartAsync(server, app =>
        {
            app.MapPost(MessagesPath, (HttpContext context) => server.AnswerModelRequestAsync(context, (request, n) => AnswerAsync(server, context.Response, request, n)));
            app.MapPost("/v1/messages/count_tokens", (HttpContext _) => Results.Json(new { input_tokens = 42 }));
        }, certificate);
    }

    /// <summary>The requests whose conversation contains <paramref name="text"/>.</summary>
    public IReadOnlyList<RecordedRequest> RequestsMentioning(string text) => RequestsTo(MessagesPath, text);

    /// <summary>The conversation a Messages request carried, turn by turn (tool results as "tool").</summary>
    public static IReadOnlyList<ConversationTurn> ConversationOf(RecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var json = request.Json();
        return [.. json.RootElement.GetProperty("messages").EnumerateArray().Select(m =>
            m.GetProperty("content") is { ValueKind: JsonValueKind.Array } blocks && blocks.EnumerateArray().Any(b => b.GetProperty("type").GetString() == "tool_result")
                ? new ConversationTurn("tool", string.Concat(blocks.EnumerateArray().Select(b => b.TryGetProperty("content", out var c) ? TextOf(c) : "")))
                : new ConversationTurn(m.GetProperty("role").GetString()!, TextOf(m.GetProperty("content"))))];
    }

    private static async Task AnswerAsync(ScriptedAnthropicServer server, HttpResponse response, RecordedRequest request, int n)
    {
        if (server.Failure(request) is { } failure)
        {
            response.StatusCode = 400;
            await response.WriteAsJsonAsync(new { type = "error", error = new { type = "invalid_request_error", message = failure } });
            return;
        }

        var body = JsonNode.Parse(request.Body);
        var model = body?["model"]?.GetValue<string>() ?? "claude-scripted";
        var command = ConversationOf(request) is [.., { Role: "user" }] ? server.ToolCall(request) : null;
        if (body?["stream"]?.GetValue<bool>() != true)
        {
            await response.WriteAsJsonAsync(Message(model, command is null ? TextBlock(server.Reply(n)) : ToolBlock(n, command), n, command is null ? "end_turn" : "tool_use"));
            return;
        }

        StartEventStream(response);
        var start = Message(model, null, n, null);
        start["usage"] = new JsonObject { ["input_tokens"] = 100, ["output_tokens"] = 1 };
        await SendAsync(response, "message_start", new JsonObject { ["type"] = "message_start", ["message"] = start });
        if (command is null)
        {
            await SendAsync(response, "content_block_start", BlockStart(new JsonObject { ["type"] = "text", ["text"] = "" }));
            foreach (var piece in Pieces(server.Reply(n)))
            {
                await SendAsync(response, "content_block_delta", Delta(new JsonObject { ["type"] = "text_delta", ["text"] = piece }));
            }
        }
        else
        {
            var tool = ToolBlock(n, command);
            var input = tool["input"]!.ToJsonString();
            tool["input"] = new JsonObject();
            await SendAsync(response, "content_block_start", BlockStart(tool));
            await SendAsync(response, "content_block_delta", Delta(new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = input }));
        }

        await SendAsync(response, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        await SendAsync(response, "message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = command is null ? "end_turn" : "tool_use", ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = 12 },
        });
        await SendAsync(response, "message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    private static JsonObject TextBlock(string text) => new() { ["type"] = "text", ["text"] = text };

    private static JsonObject ToolBlock(int n, string command) => new()
    {
        ["type"] = "tool_use",
        ["id"] = $"toolu_scripted_{n}",
        ["name"] = "Bash",
        ["input"] = new JsonObject { ["command"] = command, ["description"] = "Run the scripted command" },
    };

    private static JsonObject BlockStart(JsonObject block) => new() { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = block };

    private static JsonObject Delta(JsonObject delta) => new() { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = delta };

    private static JsonObject Message(string model, JsonObject? block, int n, string? stopReason) => new()
    {
        ["id"] = $"msg_scripted_{n}",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = block is null ? new JsonArray() : new JsonArray(block),
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = 100, ["output_tokens"] = 12 },
    };

    private static Task SendAsync(HttpResponse response, string eventName, JsonObject data) => SendEventAsync(response, eventName, data.ToJsonString());
}
