using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BotBottle.Testing;

/// <summary>
/// A model server speaking OpenAI's Responses API as the Codex CLI uses it: <c>POST /v1/responses</c>
/// with <c>stream: true</c>, answered with server-sent events (<c>response.created</c>,
/// <c>response.output_item.added</c>, text deltas, <c>response.output_item.done</c>,
/// <c>response.completed</c> with usage). A scripted tool call is a <c>function_call</c> of the shell
/// tool the request offers (Codex's <c>exec_command</c>); the CLI runs it and sends the
/// <c>function_call_output</c> back. Errors are answered as the API does: a JSON <c>error</c> object.
/// </summary>
public sealed class ScriptedResponsesServer : ScriptedModelServer
{
    private const string ResponsesPath = "/v1/responses";

    /// <summary>Shell tools the server knows how to call, by name, and the argument that takes the command.</summary>
    private static readonly Dictionary<string, string> ShellTools = new(StringComparer.Ordinal)
    {
        ["exec_command"] = "cmd",
        ["shell"] = "command",
    };

    public static Task<ScriptedResponsesServer> StartAsync(X509Certificate2? certificate = null)
    {
        var server = new ScriptedResponsesServer();
        return StartAsync(server, app =>
            app.MapPost(ResponsesPath, (HttpContext context) => server.AnswerModelRequestAsync(context, (request, n) => AnswerAsync(server, context.Response, request, n))),
            certificate);
    }

    /// <summary>The requests whose input contains <paramref name="text"/>.</summary>
    public IReadOnlyList<RecordedRequest> RequestsMentioning(string text) => RequestsTo(ResponsesPath, text);

    /// <summary>The conversation a Responses request carried: user and assistant messages and tool outputs (developer instructions left out).</summary>
    public static IReadOnlyList<ConversationTurn> ConversationOf(RecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var json = request.Json();
        List<ConversationTurn> turns = [];
        foreach (var item in json.RootElement.GetProperty("input").EnumerateArray())
        {
            switch (item.TryGetProperty("type", out var type) ? type.GetString() : "message")
            {
                case "message" when item.GetProperty("role").GetString() is "user" or "assistant":
                    turns.Add(new ConversationTurn(item.GetProperty("role").GetString()!, TextOf(item.GetProperty("content"))));
                    break;
                case "function_call_output":
                    turns.Add(new ConversationTurn("tool", item.GetProperty("output") is { ValueKind: JsonValueKind.String } output ? output.GetString()! : TextOf(item.GetProperty("output"))));
                    break;
            }
        }

        return turns;
    }

    private static async Task AnswerAsync(ScriptedResponsesServer server, HttpResponse response, RecordedRequest request, int n)
    {
        if (server.Failure(request) is { } failure)
        {
            await SendOpenAiErrorAsync(response, 400, failure);
            return;
        }

        var body = JsonNode.Parse(request.Body)!;
        var command = ConversationOf(request) is [.., { Role: "user" }] ? server.ToolCall(request) : null;
        JsonObject item;
        if (command is null)
        {
            item = new JsonObject
            {
                ["type"] = "message",
                ["id"] = $"msg_scripted_{n}",
                ["status"] = "completed",
                ["role"] = "assistant",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = server.Reply(n), ["annotations"] = new JsonArray() }),
            };
        }
        else
        {
            var (tool, argument) = ShellToolOf(body) ?? throw new InvalidOperationException("the request offers no shell tool to call");
            item = new JsonObject
            {
                ["type"] = "function_call",
                ["id"] = $"fc_scripted_{n}",
                ["status"] = "completed",
                ["call_id"] = $"call_scripted_{n}",
                ["name"] = tool,
                ["arguments"] = new JsonObject { [argument] = command }.ToJsonString(),
            };
        }

        var id = $"resp_scripted_{n}";
        var model = body["model"]?.GetValue<string>() ?? "gpt-scripted";
        StartEventStream(response);
        var sequence = 0;
        await SendAsync(response, "response.created", new JsonObject { ["response"] = Response(id, model, "in_progress", null) }, ref sequence);
        var added = JsonNode.Parse(item.ToJsonString())!.AsObject();
        added["status"] = "in_progress";
        if (command is null)
        {
            added["content"] = new JsonArray();
        }

        await SendAsync(response, "response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = added }, ref sequence);
        if (command is null)
        {
            foreach (var piece in Pieces(server.Reply(n)))
            {
                await SendAsync(response, "response.output_text.delta", new JsonObject { ["item_id"] = item["id"]!.GetValue<string>(), ["output_index"] = 0, ["content_index"] = 0, ["delta"] = piece }, ref sequence);
            }
        }

        await SendAsync(response, "response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = item }, ref sequence);
        await SendAsync(response, "response.completed", new JsonObject { ["response"] = Response(id, model, "completed", item) }, ref sequence);
    }

    private static (string Tool, string Argument)? ShellToolOf(JsonNode body) =>
        ShellTool(body["tools"]?.AsArray().Select(t => t?["name"]?.GetValue<string>()) ?? [], ShellTools);

    private static JsonObject Response(string id, string model, string status, JsonObject? item) => new()
    {
        ["id"] = id,
        ["object"] = "response",
        ["status"] = status,
        ["model"] = model,
        ["output"] = item is null ? new JsonArray() : new JsonArray(JsonNode.Parse(item.ToJsonString())),
        ["usage"] = item is null ? null : new JsonObject
        {
            ["input_tokens"] = 100,
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
            ["output_tokens"] = 12,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
            ["total_tokens"] = 112,
        },
    };

    private static Task SendAsync(HttpResponse response, string type, JsonObject data, ref int sequence)
    {
        data["type"] = type;
        data["sequence_number"] = sequence++;
        return SendEventAsync(response, type, data.ToJsonString());
    }
}
