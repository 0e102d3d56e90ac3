using BotBottle.Core.Backends;
using BotBottle.Core.LocalModels;
using BotBottle.Testing;
using BotBottle.Worker.Runs;
using BotBottle.Worker.Tests.Support;

namespace BotBottle.Worker.Tests.LocalModels;

/// <summary>
/// Agents on local models. No Ollama binary can be had here: a scripted server speaking the
/// Anthropic Messages API stands in for Ollama's Anthropic-compatible endpoint, and a second one
/// for the remote provider, with the REAL Claude Code CLI in the bottle.
/// </summary>
public sealed class LocalModelWiringTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private ScriptedAnthropicServer _ollama = null!;
    private ScriptedAnthropicServer _remote = null!;
    private BottleHarness _bottles = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _ollama = await ScriptedAnthropicServer.StartAsync();
        _remote = await ScriptedAnthropicServer.StartAsync();
        _bottles = new BottleHarness($$"""
            agents:
              local:
                image: {{TestImages.AgentClaude}}
                harness: claude
                env:
                  ANTHROPIC_BASE_URL: "http://host.botbottle.internal:{{_remote.Port}}"
                  ANTHROPIC_API_KEY: "sk-ant-test-not-a-real-key"
                model: { provider: ollama, name: "qwen2.5-coder:7b" }
              tinkerer:
                image: {{TestImages.AgentBase}}
                harness: opencode
                model: { provider: ollama, name: "qwen2.5-coder:7b" }
              cloud:
                image: {{TestImages.AgentBase}}
                harness: claude
                model: { provider: anthropic }
            """);
        _bottles.LocalModels.Url = new Uri($"http://127.0.0.1:{_ollama.Port}");
        _bottles.LocalModels.ContextLength = 16_000;
    }

    public async Task DisposeAsync()
    {
        await _bottles.DisposeAsync();
        await _remote.DisposeAsync();
        await _ollama.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Claude_code_on_a_local_model_talks_to_ollamas_anthropic_compatible_endpoint_with_that_model()
    {
        var runner = _bottles.Runner(new RecordingEvents(), _redis.Connection);

        var outcome = await runner.RunAsync(new BottleRequest("local", WorkspaceSource.Empty), "Tidy the imports.", "job-local", null, default);

        Assert.True(outcome.Harness!.Succeeded, outcome.Harness.ResultText);
        var request = Assert.Single(_ollama.RequestsMentioning("Tidy the imports."));
        using var body = request.Json();
        Assert.Equal("qwen2.5-coder:7b", body.RootElement.GetProperty("model").GetString());
        Assert.Empty(_remote.RequestsMentioning("Tidy the imports."));
    }

    [Fact]
    public async Task A_task_longer_than_the_local_context_goes_to_the_remote_provider_and_says_why()
    {
        var events = new RecordingEvents();
        var runner = _bottles.Runner(events, _redis.Connection);
        var longTask = "Summarise this log: " + string.Concat(Enumerable.Repeat("line of build output ", 1000));

        var outcome = await runner.RunAsync(new BottleRequest("local", WorkspaceSource.Empty), longTask, "job-long", null, default);

        Assert.True(outcome.Harness!.Succeeded, outcome.Harness.ResultText);
        Assert.NotEmpty(_remote.RequestsMentioning("Summarise this log"));
        Assert.Empty(_ollama.RequestsMentioning("Summarise this log"));
        Assert.Contains(events.All, e => e.Data?.GetValueOrDefault("route") == "remote" && e.Message.Contains("16,000", StringComparison.Ordinal) && e.Message.Contains("anthropic", StringComparison.Ordinal));
    }

    [Fact]
    public void The_ollama_endpoint_joins_the_egress_list_of_an_agent_on_a_local_model_only()
    {
        var manifest = _bottles.Manifest;

        var local = _bottles.ModelWiring.Plan(manifest.GetAgent("tinkerer"), "short task");
        var cloud = _bottles.ModelWiring.Plan(manifest.GetAgent("cloud"), "short task");

        Assert.Equal([$"host.botbottle.internal:{_ollama.Port}"], local.Egress);
        Assert.Equal(RouteTarget.Local, local.Routing!.Target);
        Assert.Empty(cloud.Egress);
        Assert.Null(cloud.Routing);
        Assert.Empty(cloud.Environment);
    }
}
