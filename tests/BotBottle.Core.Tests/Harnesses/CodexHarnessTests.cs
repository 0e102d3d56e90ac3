using System.Text.Json;
using BotBottle.Core.Harnesses;

namespace BotBottle.Core.Tests.Harnesses;

public sealed class CodexHarnessTests
{
    private const string ThreadId = "0199a213-81c0-7800-8aa1-bbab2a035a53";

    private static readonly string Stream = string.Join(
        '\n',
        """{"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}""",
        """{"type":"turn.started"}""",
        """{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Checking the test file** I need to read the failing test first."}}""",
        """{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Done."}}""",
        """{"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}}""",
        "");

    private readonly CodexHarness _harness = new();

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Blank_task_is_refused(string task)
    {
        Assert.ThrowsAny<ArgumentException>(() => _harness.BuildCommand(task));
    }

    [Theory]
    [InlineData("--last")]
    [InlineData("x; rm -rf /")]
    [InlineData("")]
    public void Malformed_session_id_is_refused(string sessionId)
    {
        Assert.Throws<ArgumentException>(() => _harness.BuildCommand("go on", sessionId));
    }

    [Fact]
    public void Event_stream_yields_thread_id_answer_and_usage()
    {
        var result = _harness.ParseOutput(Stream, 0);

        Assert.Equal(ThreadId, result.SessionId);
        Assert.Equal("Done.", result.ResultText);
        Assert.False(result.IsError);
        Assert.True(result.Succeeded);
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.CostUsd);
        Assert.Equal(new HarnessUsage(InputTokens: 24763, OutputTokens: 122, CacheReadInputTokens: 24448, CacheCreationInputTokens: 0), result.Usage);
    }

    [Fact]
    public void Raw_json_summarises_session_result_and_error_flag()
    {
        var result = _harness.ParseOutput(Stream, 0);

        using var raw = JsonDocument.Parse(result.RawJson);
        Assert.Equal(ThreadId, raw.RootElement.GetProperty("session_id").GetString());
        Assert.Equal("Done.", raw.RootElement.GetProperty("result").GetString());
        Assert.False(raw.RootElement.GetProperty("is_error").GetBoolean());
    }

    [Fact]
    public void The_last_agent_message_is_the_result()
    {
        var stdout = string.Join(
            '\n',
            """{"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}""",
            """{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"Looking at the tests first."}}""",
            """{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","aggregated_output":"src\n","exit_code":0,"status":"completed"}}""",
            """{"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"All tests pass now."}}""",
            """{"type":"item.completed","item":{"id":"item_3","type":"reasoning","text":"Wrapping up."}}""",
            """{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":2}}""");

        var result = _harness.ParseOutput(stdout, 0);

        Assert.Equal("All tests pass now.", result.ResultText);
    }

    [Fact]
    public void Non_json_lines_between_events_are_ignored()
    {
        var result = _harness.ParseOutput("Reading prompt from stdin...\n" + Stream + "\nshutting down\n", 0);

        Assert.Equal(ThreadId, result.SessionId);
        Assert.Equal("Done.", result.ResultText);
    }

    [Fact]
    public void Failed_turn_is_an_error_carrying_its_message()
    {
        var stdout = string.Join(
            '\n',
            """{"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}""",
            """{"type":"turn.started"}""",
            """{"type":"turn.failed","error":{"message":"boom"}}""");

        var result = _harness.ParseOutput(stdout, 1);

        Assert.True(result.IsError);
        Assert.False(result.Succeeded);
        Assert.Equal("boom", result.ResultText);
        Assert.Equal(ThreadId, result.SessionId);
        Assert.Equal(1, result.ExitCode);
        using var raw = JsonDocument.Parse(result.RawJson);
        Assert.True(raw.RootElement.GetProperty("is_error").GetBoolean());
        Assert.Equal("boom", raw.RootElement.GetProperty("result").GetString());
    }

    [Fact]
    public void Error_event_with_a_top_level_message_is_an_error()
    {
        var result = _harness.ParseOutput("""{"type":"error","message":"stream disconnected before completion"}""", 1);

        Assert.True(result.IsError);
        Assert.Equal("stream disconnected before completion", result.ResultText);
        Assert.Null(result.SessionId);
    }

    [Fact]
    public void Stream_without_an_answer_has_empty_result_text()
    {
        var result = _harness.ParseOutput("""{"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}""", 0);

        Assert.Equal("", result.ResultText);
        Assert.Null(result.Usage);
        Assert.False(result.IsError);
    }

    [Theory]
    [InlineData("")]
    [InlineData("error: unexpected argument '--dangerously-bypass-approvals-and-sandbox' found")]
    public void Output_without_events_throws_and_quotes_it(string stdout)
    {
        var error = Assert.Throws<HarnessOutputException>(() => _harness.ParseOutput(stdout, 2));

        Assert.StartsWith("codex:", error.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(stdout, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sessions_usage_so_far_is_the_last_token_count_in_its_rollout()
    {
        const string rollout = """
            {"timestamp":"2026-12-03T18:14:06.100Z","type":"session_meta","payload":{"id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}}
            {"timestamp":"2026-12-03T18:14:07.100Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":100,"cached_input_tokens":10,"output_tokens":12},"last_token_usage":{"input_tokens":100,"output_tokens":12}}}}
            {"timestamp":"2026-12-03T18:14:08.100Z","type":"event_msg","payload":{"type":"token_count","info":null}}
            {"timestamp":"2026-12-03T18:14:09.100Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":200,"cached_input_tokens":30,"output_tokens":24},"last_token_usage":{"input_tokens":100,"output_tokens":12}}}}
            {"timestamp":"2026-12-03T18:14:09.2
            """;

        var usage = CodexHarness.ThreadUsage(rollout);

        Assert.Equal(new HarnessUsage(200, 24, 30), usage);
        Assert.Null(CodexHarness.ThreadUsage("{\"type\":\"session_meta\"}"));
        Assert.Equal(new HarnessUsage(300, 36, 30), new HarnessUsage(500, 60, 60).Since(new HarnessUsage(200, 24, 30)));
        Assert.Equal(new HarnessUsage(0, 0, 0), new HarnessUsage(1, 1, 1).Since(new HarnessUsage(5, 5, 5)));
    }
}
