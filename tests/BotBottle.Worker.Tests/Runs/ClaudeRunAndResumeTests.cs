using BotBottle.Core.Backends;
using BotBottle.Core.Events;
using BotBottle.Testing;
using BotBottle.Worker.Runs;
using BotBottle.Worker.Tests.Support;

namespace BotBottle.Worker.Tests.Runs;

/// <summary>
/// The REAL Claude Code CLI inside a real bottle, against a scripted Anthropic-compatible model
/// server on the host: run, transcript snapshot, and resume of the same session.
/// </summary>
public sealed class ClaudeRunAndResumeTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private ScriptedAnthropicServer _model = null!;
    private BottleHarness _bottles = null!;
    private readonly RecordingEvents _events = new();

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _model = await ScriptedAnthropicServer.StartAsync();
        _bottles = new BottleHarness(ClaudeAgentManifest.For(_model.Port));
    }

    public async Task DisposeAsync()
    {
        await _bottles.DisposeAsync();
        await _model.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Theory]
    [InlineData("run")]
    [InlineData("launch")]
    public async Task A_run_or_launch_without_a_model_credential_is_refused_before_any_container_with_what_to_set(string how)
    {
        await File.WriteAllTextAsync(_bottles.ManifestPath, ClaudeAgentManifest.For(_model.Port).Replace("ANTHROPIC_API_KEY", "UNRELATED_VARIABLE", StringComparison.Ordinal));
        var runner = _bottles.Runner(_events, _redis.Connection);
        var request = new BottleRequest("claude", WorkspaceSource.Empty);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => how == "run"
            ? runner.RunAsync(request, "hello", "job-nokey", null, default)
            : runner.LaunchAsync(request, "job-nokey", default));

        Assert.Equal(
            "agent claude (claude) has no credential for its model API: set the AppHost parameter anthropic-api-key (or claude-code-oauth-token) " +
            "(dotnet user-secrets set Parameters:anthropic-api-key <value> --project src/BotBottle.AppHost), or ANTHROPIC_API_KEY in the Worker's BotBottle:AgentEnvironment or the agent's env in the manifest",
            error.Message);
        Assert.Empty(_model.Requests);
        Assert.DoesNotContain(_events.All, e => e.Kind == Core.Events.BottleEventKind.Running);
    }

    /// <summary>On both backends: gVisor's bottle reaches the model only through its socket to the sidecar.</summary>
    [Theory]
    [InlineData(BackendKind.Docker)]
    [InlineData(BackendKind.Gvisor)]
    public async Task Run_returns_the_session_id_snapshots_the_transcript_and_resume_continues_the_same_conversation(BackendKind backend)
    {
        var runner = _bottles.Runner(_events, _redis.Connection);
        const string firstTask = "Summarise the open pull request, please.";
        const string secondTask = "New commits were pushed; review the diff.";

        var first = await runner.RunAsync(new BottleRequest("claude", WorkspaceSource.Empty, Backend: backend), firstTask, "job-1", null, default);

        Assert.NotNull(first.Harness);
        Assert.True(first.Harness.Succeeded, first.Harness.ResultText);
        Assert.True(Guid.TryParse(first.Harness.SessionId, out _), $"session id '{first.Harness.SessionId}'");
        Assert.StartsWith("Scripted reply", first.Harness.ResultText, StringComparison.Ordinal);
        var transcript = TranscriptPath(first.Slug, first.Harness.SessionId!);
        Assert.True(File.Exists(transcript), $"no transcript at {transcript}");
        Assert.Contains(firstTask, await File.ReadAllTextAsync(transcript), StringComparison.Ordinal);
        var firstReply = first.Harness.ResultText;

        var second = await runner.ResumeAsync(first.Slug, first.Harness.SessionId!, secondTask, "job-2", default);

        Assert.True(second.Harness!.Succeeded, second.Harness.ResultText);
        Assert.Equal(first.Slug, second.Slug);
        Assert.Equal(first.Harness.SessionId, second.Harness.SessionId);
        var resumed = Assert.Single(_model.RequestsMentioning(secondTask), r => ScriptedAnthropicServer.ConversationOf(r).Count > 1);
        var turns = ScriptedAnthropicServer.ConversationOf(resumed);
        Assert.Contains(turns, t => t.Role == "user" && t.Text.Contains(firstTask, StringComparison.Ordinal));
        Assert.Contains(turns, t => t.Role == "assistant" && t.Text.Contains(firstReply, StringComparison.Ordinal));
        Assert.Contains(secondTask, await File.ReadAllTextAsync(TranscriptPath(second.Slug, second.Harness.SessionId!)), StringComparison.Ordinal);

        Assert.Contains(_events.All, e => e.Kind == BottleEventKind.Output && e.JobId == "job-1" && e.Message.Contains(first.Harness.SessionId!, StringComparison.Ordinal));
        Assert.Equal(2, _events.All.Count(e => e.Kind == BottleEventKind.Removed && e.Slug == first.Slug));
        Assert.DoesNotContain(await _bottles.Backend.EnumerateAsync(default), a => a.Slug == first.Slug);
        Assert.False(await _redis.Connection.GetDatabase().HashExistsAsync(Core.Jobs.QueueNames.Bottles, first.Slug), "a finished run leaves the bottle list");
        Assert.True(await _redis.Connection.GetDatabase().SetContainsAsync(Core.Jobs.QueueNames.Agents, "claude"));
        Assert.Equal(backend.ToName(), _bottles.State.ReadMetadata(first.Slug).Backend);
    }

    private string TranscriptPath(string slug, string sessionId) =>
        Path.Combine(_bottles.State.TranscriptDir(slug), ".claude", "projects", "-home-agent-workspace", $"{sessionId}.jsonl");
}
