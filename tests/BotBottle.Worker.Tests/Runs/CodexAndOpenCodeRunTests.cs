using BotBottle.Core.Backends;
using BotBottle.Core.Events;
using BotBottle.Testing;
using BotBottle.Worker.Runs;
using BotBottle.Worker.Tests.Support;

namespace BotBottle.Worker.Tests.Runs;

/// <summary>
/// The REAL Codex CLI and the REAL OpenCode CLI in real bottles, each against a scripted model
/// server speaking its wire protocol: Codex against OpenAI's Responses API (through the bottle's
/// sidecar, which holds the key), OpenCode on a local model against an Ollama stand-in's
/// OpenAI-compatible chat completions (through the bottle's proxy). What the CLI did is seen from
/// what it sent the model and from the workspace, never from its argv.
/// </summary>
public sealed class CodexAndOpenCodeRunTests : IAsyncLifetime
{
    private const string Key = "sk-test-codex-not-a-real-key-0123456789";

    private readonly RedisServer _redis = new();
    private readonly RecordingEvents _events = new();
    private ScriptedResponsesServer _openai = null!;
    private ScriptedOllamaServer _ollama = null!;
    private BottleHarness _bottles = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _openai = await ScriptedResponsesServer.StartAsync();
        _ollama = await ScriptedOllamaServer.StartAsync("qwen3:8b");
        _bottles = new BottleHarness($$"""
            agents:
              codex:
                image: {{TestImages.AgentCodex}}
                harness: codex
                prompt: "Review the workspace."
                model: { provider: openai, name: gpt-5.5 }
                env:
                  OPENAI_BASE_URL: "http://host.botbottle.internal:{{_openai.Port}}/v1"
                  OPENAI_API_KEY: "{{Key}}"
                limits: { memory: 2g, pids: 512 }
              opencode:
                image: {{TestImages.AgentOpenCode}}
                harness: opencode
                prompt: "Review the workspace."
                model: { provider: ollama, name: "qwen3:8b" }
                limits: { memory: 2g, pids: 512 }
            """);
        _bottles.LocalModels.Url = new Uri($"http://127.0.0.1:{_ollama.Port}");
    }

    public async Task DisposeAsync()
    {
        await _bottles.DisposeAsync();
        await _ollama.DisposeAsync();
        await _openai.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private ScriptedModelServer Model(string agent) => agent == "codex" ? _openai : _ollama;

    private IReadOnlyList<RecordedRequest> RequestsMentioning(string agent, string text) =>
        agent == "codex" ? _openai.RequestsMentioning(text) : _ollama.RequestsMentioning(text);

    private static IReadOnlyList<ConversationTurn> ConversationOf(string agent, RecordedRequest request) =>
        agent == "codex" ? ScriptedResponsesServer.ConversationOf(request) : ScriptedOllamaServer.ConversationOf(request);

    [Theory]
    [InlineData("codex")]
    [InlineData("opencode")]
    public async Task A_run_changes_the_workspace_with_a_tool_call_and_a_resume_in_a_new_container_continues_the_same_session(string agent)
    {
        var runner = _bottles.Runner(_events, _redis.Connection);
        var firstTask = $"-- {agent}: write the marker file, please.";
        const string secondTask = "New commits were pushed; what did you write before?";
        var model = Model(agent);
        model.ToolCall = r => ConversationOf(agent, r)[^1].Text.Contains("write the marker file", StringComparison.Ordinal) ? "echo written-by-the-agent > marker.txt && cat marker.txt" : null;

        var first = await runner.RunAsync(new BottleRequest(agent, WorkspaceSource.Empty, Label: "harness-probe"), firstTask, $"job-{agent}-1", null, default);

        Assert.True(first.Harness!.Succeeded, first.Harness.ResultText);
        Assert.False(string.IsNullOrEmpty(first.Harness.SessionId));
        Assert.StartsWith("Scripted reply", first.Harness.ResultText, StringComparison.Ordinal);
        Assert.Equal("written-by-the-agent\n", await File.ReadAllTextAsync(Path.Combine(_bottles.State.BottleDir(first.Slug), "workspace", "marker.txt")));
        // The task reached the model whole (a leading "--" is not taken for an option), and the tool's output came back.
        var afterTool = RequestsMentioning(agent, "write the marker file").Select(r => ConversationOf(agent, r)).Last();
        Assert.Contains(afterTool, t => t.Role == "user" && t.Text.Contains(firstTask, StringComparison.Ordinal));
        Assert.Contains(afterTool, t => t.Role == "tool" && t.Text.Contains("written-by-the-agent", StringComparison.Ordinal));
        var firstReply = first.Harness.ResultText;

        var second = await runner.ResumeAsync(first.Slug, first.Harness.SessionId!, secondTask, $"job-{agent}-2", default);

        Assert.True(second.Harness!.Succeeded, second.Harness.ResultText);
        Assert.Equal(first.Harness.SessionId, second.Harness.SessionId);
        var resumed = ConversationOf(agent, RequestsMentioning(agent, secondTask)[^1]);
        Assert.Contains(resumed, t => t.Role == "user" && t.Text.Contains(firstTask, StringComparison.Ordinal));
        Assert.Contains(resumed, t => t.Role == "tool" && t.Text.Contains("written-by-the-agent", StringComparison.Ordinal));
        Assert.Contains(resumed, t => t.Role == "assistant" && t.Text.Contains(firstReply, StringComparison.Ordinal));
        Assert.Equal(2, _events.All.Count(e => e.Kind == BottleEventKind.Removed && e.Slug == first.Slug));
        // Every scripted answer costs 100 input tokens: two requests (the tool call, the answer) for the
        // first run, one for the resume, which counts only its own (Codex reports the whole session's).
        Assert.Equal(200, first.Harness.Usage!.InputTokens);
        Assert.Equal(100, second.Harness.Usage!.InputTokens);
    }

    [Theory]
    [InlineData("codex")]
    [InlineData("opencode")]
    public async Task A_failing_model_response_is_a_failed_run_with_the_clis_own_message(string agent)
    {
        var runner = _bottles.Runner(_events, _redis.Connection);
        Model(agent).Failure = r => r.Body.Contains("doomed task", StringComparison.Ordinal) ? "Scripted failure: this request was refused by the model server" : null;

        var outcome = await runner.RunAsync(new BottleRequest(agent, WorkspaceSource.Empty), $"{agent}: a doomed task", $"job-{agent}-fail", null, default);

        Assert.False(outcome.Harness!.Succeeded);
        Assert.Contains("Scripted failure: this request was refused by the model server", outcome.Harness.ResultText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Codex_gets_the_key_from_its_sidecar_and_no_credential_file_reaches_the_snapshot()
    {
        var runner = _bottles.Runner(_events, _redis.Connection);

        var outcome = await runner.RunAsync(new BottleRequest("codex", WorkspaceSource.Empty), "codex: check the key path", "job-codex-key", null, default);

        Assert.True(outcome.Harness!.Succeeded, outcome.Harness.ResultText);
        var request = _openai.RequestsMentioning("check the key path")[^1];
        Assert.Equal([$"authorization: Bearer {Key}"], request.Credentials);
        var snapshot = Path.Combine(_bottles.State.TranscriptDir(outcome.Slug), ".codex");
        Assert.Single(Directory.EnumerateFiles(Path.Combine(snapshot, "sessions"), $"rollout-*-{outcome.Harness.SessionId}.jsonl", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(snapshot, "auth.json", SearchOption.AllDirectories));
        Assert.DoesNotContain(Key, string.Concat(Directory.EnumerateFiles(snapshot, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length < 1 << 20).Select(File.ReadAllText)), StringComparison.Ordinal);
    }
}
