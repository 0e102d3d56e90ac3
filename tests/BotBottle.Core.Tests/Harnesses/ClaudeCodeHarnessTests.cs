using BotBottle.Core.Harnesses;

namespace BotBottle.Core.Tests.Harnesses;

public sealed class ClaudeCodeHarnessTests
{
    private const string SessionId = "8f4c2a1e-3b7d-4e9a-9c51-2d6f0b8e7a13";

    // One line, as `claude -p ... --output-format json` prints it.
    private const string ResultJson =
        """{"type":"result","subtype":"success","is_error":false,"duration_ms":2817,"duration_api_ms":4242,"num_turns":3,"result":"Added the missing null check in Parser.cs.","session_id":"8f4c2a1e-3b7d-4e9a-9c51-2d6f0b8e7a13","total_cost_usd":0.0375206,"usage":{"input_tokens":4,"cache_creation_input_tokens":5385,"cache_read_input_tokens":13407,"output_tokens":121,"server_tool_use":{"web_search_requests":0},"service_tier":"standard"}}""";

    private readonly ClaudeCodeHarness _harness = new();

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    public void Blank_task_is_refused(string task)
    {
        Assert.ThrowsAny<ArgumentException>(() => _harness.BuildCommand(task));
    }

    [Fact]
    public void Null_task_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => _harness.BuildCommand(null!));
    }

    [Theory]
    [InlineData("x; rm -rf /")]
    [InlineData("--continue")]
    [InlineData("")]
    [InlineData("-c")]
    [InlineData("abc def")]
    public void Malformed_session_id_is_refused(string sessionId)
    {
        var error = Assert.Throws<ArgumentException>(() => _harness.BuildCommand("go on", sessionId));

        Assert.Contains("not a session id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Result_object_yields_session_result_cost_usage_and_exit_code()
    {
        var result = _harness.ParseOutput(ResultJson + "\n", 0);

        Assert.Equal(SessionId, result.SessionId);
        Assert.Equal("Added the missing null check in Parser.cs.", result.ResultText);
        Assert.False(result.IsError);
        Assert.True(result.Succeeded);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0.0375206m, result.CostUsd);
        Assert.Equal(new HarnessUsage(InputTokens: 4, OutputTokens: 121, CacheReadInputTokens: 13407, CacheCreationInputTokens: 5385), result.Usage);
        Assert.Equal(ResultJson, result.RawJson);
    }

    [Fact]
    public void Warnings_before_the_result_are_skipped()
    {
        var stdout = string.Join(
            '\n',
            "Warning: CLAUDE_CODE_MAX_OUTPUT_TOKENS is not a number, ignoring",
            "[DEP0040] DeprecationWarning: The `punycode` module is deprecated.",
            "{ not json at all",
            ResultJson,
            "");

        var result = _harness.ParseOutput(stdout, 0);

        Assert.Equal(SessionId, result.SessionId);
        Assert.Equal("Added the missing null check in Parser.cs.", result.ResultText);
        Assert.Equal(ResultJson, result.RawJson);
    }

    [Fact]
    public void Windows_line_endings_do_not_hide_the_result()
    {
        var result = _harness.ParseOutput("Warning: something\r\n" + ResultJson + "\r\n", 0);

        Assert.Equal(SessionId, result.SessionId);
        Assert.Equal(ResultJson, result.RawJson);
    }

    [Fact]
    public void Error_result_is_an_error_and_not_a_success()
    {
        const string json =
            """{"type":"result","subtype":"error_during_execution","is_error":true,"duration_ms":512,"num_turns":1,"result":"API Error: 529 Overloaded","session_id":"8f4c2a1e-3b7d-4e9a-9c51-2d6f0b8e7a13","total_cost_usd":0}""";

        var result = _harness.ParseOutput(json, 1);

        Assert.True(result.IsError);
        Assert.False(result.Succeeded);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("API Error: 529 Overloaded", result.ResultText);
        Assert.Equal(SessionId, result.SessionId);
        Assert.Equal(0m, result.CostUsd);
        Assert.Null(result.Usage);
    }

    [Fact]
    public void Non_zero_exit_code_is_not_a_success_even_without_is_error()
    {
        var result = _harness.ParseOutput(ResultJson, 137);

        Assert.False(result.IsError);
        Assert.Equal(137, result.ExitCode);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public void The_last_result_wins_when_several_are_printed()
    {
        const string earlier = """{"type":"result","is_error":false,"result":"first","session_id":"11111111-1111-1111-1111-111111111111"}""";

        var result = _harness.ParseOutput(earlier + "\n" + ResultJson, 0);

        Assert.Equal(SessionId, result.SessionId);
        Assert.Equal(ResultJson, result.RawJson);
    }

    [Fact]
    public void Output_without_json_throws_and_quotes_the_start_of_the_output()
    {
        const string stdout = "Error: Invalid API key · Please run /login\n";

        var error = Assert.Throws<HarnessOutputException>(() => _harness.ParseOutput(stdout, 1));

        Assert.StartsWith("claude:", error.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Error: Invalid API key · Please run /login", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_that_is_not_a_result_is_not_mistaken_for_one()
    {
        Assert.Throws<HarnessOutputException>(() => _harness.ParseOutput("""{"level":"warn","msg":"slow"}""", 0));
    }

    [Fact]
    public void Empty_output_throws()
    {
        Assert.Throws<HarnessOutputException>(() => _harness.ParseOutput("", 0));
    }

    [Fact]
    public void Long_garbage_is_quoted_only_up_to_200_characters()
    {
        var stdout = new string('x', 200) + new string('y', 300);

        var error = Assert.Throws<HarnessOutputException>(() => _harness.ParseOutput(stdout, 2));

        Assert.EndsWith(new string('x', 200) + "...", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("y", error.Message, StringComparison.Ordinal);
    }
}
