using System.Text;
using System.Text.Json;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Harnesses;

/// <summary>
/// OpenCode: <c>opencode run --format json --title LABEL -- TASK</c>, resuming with <c>--session
/// SESSION</c> (the <c>--</c> keeps a task that starts with a dash from being read as an option). The
/// bottle's label becomes a new session's title; OpenCode has no place for a colour. Its output is
/// JSON lines; every event names its <c>sessionID</c>, <c>text</c> events carry the answer in pieces
/// and <c>step_finish</c> the cost and tokens of each step.
/// </summary>
public sealed class OpenCodeHarness : IAgentHarness
{
    public Harness Kind => Harness.OpenCode;

    public string StateDirectory => ".local/share/opencode";

    public string ApiHost => "api.anthropic.com";

    public IReadOnlyList<string> BuildCommand(string task, string? resumeSessionId = null, int? maxTurns = null, string? label = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        List<string> command = ["opencode", "run", "--format", "json"];
        if (resumeSessionId is not null)
        {
            command.AddRange(["--session", SessionIds.RequireWellFormed(resumeSessionId)]);
        }
        else if (!string.IsNullOrWhiteSpace(label))
        {
            command.AddRange(["--title", label]);
        }

        command.AddRange(["--", task]);
        return command;
    }

    public HarnessResult ParseOutput(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        string? sessionId = null;
        string? error = null;
        var text = new StringBuilder();
        decimal? cost = null;
        long input = 0, output = 0, cacheRead = 0, cacheWrite = 0;
        var sawEvent = false;

        foreach (var evt in JsonLines.Objects(stdout))
        {
            sawEvent = true;
            sessionId = evt.String("sessionID") ?? sessionId;
            var part = evt.Object("part");
            switch (evt.String("type"))
            {
                case "text" when part is { } p:
                    text.Append(p.String("text"));
                    break;
                case "step_finish" when part is { } p:
                    cost = (cost ?? 0) + (p.Decimal("cost") ?? 0);
                    if (p.Object("tokens") is { } tokens)
                    {
                        input += tokens.Long("input");
                        output += tokens.Long("output");
                        if (tokens.Object("cache") is { } cache)
                        {
                            cacheRead += cache.Long("read");
                            cacheWrite += cache.Long("write");
                        }
                    }

                    break;
                case "error":
                    error = evt.Object("error")?.Object("data")?.String("message")
                        ?? evt.Object("error")?.String("message")
                        ?? "opencode reported an error";
                    break;
            }
        }

        if (!sawEvent)
        {
            throw HarnessOutputException.For("opencode", $"no JSON events (exit code {exitCode})", stdout);
        }

        var resultText = error ?? text.ToString();
        return new HarnessResult(
            sessionId, resultText, error is not null, exitCode, cost,
            new HarnessUsage(input, output, cacheRead, cacheWrite),
            JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["session_id"] = sessionId,
                ["result"] = resultText,
                ["is_error"] = error is not null,
                ["total_cost_usd"] = cost,
            }));
    }
}
