using System.Text.Json;
using BotBottle.Core.Harnesses;

namespace BotBottle.Core.Tests.Harnesses;

public sealed class OpenCodeHarnessTests
{
    private const string SessionId = "ses_494719016ffe85dkDMj0FPRbHK";

    private static readonly string Stream = string.Join(
        '\n',
        """{"type":"step_start","timestamp":1767036059338,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"id":"prt_b6b8e6a4a001","sessionID":"ses_494719016ffe85dkDMj0FPRbHK","messageID":"msg_b6b8e5f2e001","type":"step-start","snapshot":"4b825dc642cb6eb9a060e54bf8d69288fbee4904"}}""",
        """{"type":"text","timestamp":1767036060112,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"id":"prt_b6b8e6a4a002","sessionID":"ses_494719016ffe85dkDMj0FPRbHK","messageID":"msg_b6b8e5f2e001","type":"text","text":"Hello ","time":{"start":1767036060100,"end":1767036060112}}}""",
        """{"type":"step_finish","timestamp":1767036060200,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"id":"prt_b6b8e6a4a003","type":"step-finish","reason":"tool-calls","cost":0.0123,"tokens":{"input":100,"output":20,"reasoning":0,"cache":{"read":5,"write":1}}}}""",
        """{"type":"step_start","timestamp":1767036060300,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"type":"step-start"}}""",
        """{"type":"text","timestamp":1767036060400,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"type":"text","text":"world"}}""",
        """{"type":"step_finish","timestamp":1767036060500,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"type":"step-finish","reason":"stop","cost":0.0077,"tokens":{"input":300,"output":40,"reasoning":7,"cache":{"read":50,"write":10}}}}""",
        "");

    private readonly OpenCodeHarness _harness = new();

    [Theory]
    [InlineData("--continue")]
    [InlineData("ses_1 && curl evil")]
    [InlineData("")]
    public void Malformed_session_id_is_refused(string sessionId)
    {
        Assert.Throws<ArgumentException>(() => _harness.BuildCommand("go on", sessionId));
    }

    [Fact]
    public void Blank_task_is_refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => _harness.BuildCommand(" "));
    }

    [Fact]
    public void Text_parts_are_concatenated_in_order()
    {
        var result = _harness.ParseOutput(Stream, 0);

        Assert.Equal(SessionId, result.SessionId);
        Assert.Equal("Hello world", result.ResultText);
        Assert.False(result.IsError);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Cost_and_tokens_are_summed_over_every_step()
    {
        var result = _harness.ParseOutput(Stream, 0);

        Assert.Equal(0.02m, result.CostUsd);
        Assert.Equal(new HarnessUsage(InputTokens: 400, OutputTokens: 60, CacheReadInputTokens: 55, CacheCreationInputTokens: 11), result.Usage);
    }

    [Fact]
    public void Raw_json_summarises_session_result_and_cost()
    {
        var result = _harness.ParseOutput(Stream, 0);

        using var raw = JsonDocument.Parse(result.RawJson);
        Assert.Equal(SessionId, raw.RootElement.GetProperty("session_id").GetString());
        Assert.Equal("Hello world", raw.RootElement.GetProperty("result").GetString());
        Assert.False(raw.RootElement.GetProperty("is_error").GetBoolean());
        Assert.Equal(0.02m, raw.RootElement.GetProperty("total_cost_usd").GetDecimal());
    }

    [Fact]
    public void Without_step_finish_there_is_no_cost_and_zero_usage()
    {
        var result = _harness.ParseOutput(
            """{"type":"text","sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"type":"text","text":"Hi"}}""",
            0);

        Assert.Equal("Hi", result.ResultText);
        Assert.Null(result.CostUsd);
        Assert.Equal(new HarnessUsage(0, 0), result.Usage);
    }

    [Fact]
    public void Error_event_is_an_error_with_its_data_message()
    {
        var stdout = string.Join(
            '\n',
            """{"type":"step_start","timestamp":1767036059338,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"type":"step-start"}}""",
            """{"type":"error","timestamp":1767036059400,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","error":{"name":"APIError","data":{"message":"rate limited","statusCode":429,"isRetryable":true}}}""");

        var result = _harness.ParseOutput(stdout, 1);

        Assert.True(result.IsError);
        Assert.False(result.Succeeded);
        Assert.Equal("rate limited", result.ResultText);
        Assert.Equal(SessionId, result.SessionId);
        using var raw = JsonDocument.Parse(result.RawJson);
        Assert.True(raw.RootElement.GetProperty("is_error").GetBoolean());
    }

    [Fact]
    public void Error_without_data_falls_back_to_its_own_message()
    {
        var result = _harness.ParseOutput(
            """{"type":"error","sessionID":"ses_494719016ffe85dkDMj0FPRbHK","error":{"name":"UnknownError","message":"model not found"}}""",
            1);

        Assert.True(result.IsError);
        Assert.Equal("model not found", result.ResultText);
    }

    [Fact]
    public void Output_without_events_throws_and_quotes_it()
    {
        var error = Assert.Throws<HarnessOutputException>(() => _harness.ParseOutput("Error: Session not found\n", 1));

        Assert.StartsWith("opencode:", error.Message, StringComparison.Ordinal);
        Assert.Contains("Error: Session not found", error.Message, StringComparison.Ordinal);
    }
}
