using System.Text.Json;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Harnesses;

/// <summary>
/// OpenAI Codex CLI: <c>codex exec --json ... -- TASK</c>, resuming with <c>codex exec --json ... resume
/// SESSION -- TASK</c> (the <c>--</c> keeps a task that starts with a dash from being read as an
/// option). Its output is JSON lines: <c>thread.started</c> carries the session (thread) id,
/// <c>item.completed</c> agent messages the answer, <c>turn.completed</c> the usage. Its model API and
/// model come from <see cref="CodexConfig"/>, written at launch. Codex has no place for a label or a colour.
/// </summary>
public sealed class CodexHarness : IAgentHarness
{
    public Harness Kind => Harness.Codex;

    public string StateDirectory => ".codex";

    public string ApiHost => "api.openai.com";

    public IReadOnlyList<string> BuildCommand(string task, string? resumeSessionId = null, int? maxTurns = null, string? label = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        // The bottle is the sandbox; Codex's own would fail without the kernel features it wants.
        List<string> command = ["codex", "exec", "--json", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox"];
        if (resumeSessionId is not null)
        {
            command.AddRange(["resume", SessionIds.RequireWellFormed(resumeSessionId)]);
        }

        command.AddRange(["--", task]);
        return command;
    }

    public HarnessResult ParseOutput(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        string? sessionId = null;
        string? lastMessage = null;
        string? error = null;
        HarnessUsage? usage = null;
        var sawEvent = false;

        foreach (var evt in JsonLines.Objects(stdout))
        {
            sawEvent = true;
            switch (evt.String("type"))
            {
                case "thread.started":
                    sessionId = evt.String("thread_id") ?? sessionId;
                    break;
                case "item.completed" when evt.Object("item") is { } item && item.String("type") == "agent_message":
                    lastMessage = item.String("text") ?? lastMessage;
                    break;
                case "turn.completed":
                    // Codex reports retries ("Reconnecting... 2/5") as error events; a turn that
                    // then completes did not fail.
                    error = null;
                    if (evt.Object("usage") is { } u)
                    {
                        usage = new HarnessUsage(u.Long("input_tokens"), u.Long("output_tokens"), u.Long("cached_input_tokens"));
                    }

                    break;
                case "turn.failed" or "error":
                    error = evt.Object("error")?.String("message") ?? evt.String("message") ?? "codex reported an error";
                    break;
            }
        }

        if (!sawEvent)
        {
            throw HarnessOutputException.For("codex", $"no JSON events (exit code {exitCode})", stdout);
        }

        return new HarnessResult(sessionId, error ?? lastMessage ?? "", error is not null, exitCode, null, usage, BuildSummaryJson(sessionId, error ?? lastMessage, error is not null));
    }

    /// <summary>
    /// The session's token count so far, from its rollout file (<c>sessions/.../rollout-*-SESSION.jsonl</c>):
    /// the last <c>token_count</c> event's <c>total_token_usage</c>; null when it has none. Codex's
    /// <c>turn.completed</c> reports the whole thread's usage, so a resumed run's own usage is its
    /// report less this count taken before it ran.
    /// </summary>
    public static HarnessUsage? ThreadUsage(string rollout)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        HarnessUsage? usage = null;
        foreach (var line in JsonLines.Objects(rollout))
        {
            if (line.String("type") == "event_msg"
                && line.Object("payload") is { } payload
                && payload.String("type") == "token_count"
                && payload.Object("info")?.Object("total_token_usage") is { } total)
            {
                usage = new HarnessUsage(total.Long("input_tokens"), total.Long("output_tokens"), total.Long("cached_input_tokens"));
            }
        }

        return usage;
    }

    /// <summary>Where a session's rollout file lies under the snapshot of <c>~/.codex</c>, as a search pattern under <c>sessions</c>.</summary>
    public static string RolloutFilePattern(string sessionId) => $"rollout-*-{SessionIds.RequireWellFormed(sessionId)}.jsonl";

    private static string BuildSummaryJson(string? sessionId, string? result, bool isError) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["session_id"] = sessionId,
            ["result"] = result ?? "",
            ["is_error"] = isError,
        });
}
