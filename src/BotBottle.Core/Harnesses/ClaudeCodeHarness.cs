using System.Text.Json;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Harnesses;

/// <summary>
/// Claude Code in print mode: <c>claude -p TASK --output-format json --dangerously-skip-permissions</c>,
/// resuming with <c>--resume SESSION</c>. Never <c>--continue</c>: it picks the most recent session in
/// the directory, which is another PR's when several share one. The label reaches Claude Code through
/// its claude.json, written at launch, not the command line.
/// </summary>
public sealed class ClaudeCodeHarness : IAgentHarness
{
    public Harness Kind => Harness.Claude;

    public string StateDirectory => ".claude";

    public string ApiHost => "api.anthropic.com";

    public IReadOnlyList<string> BuildCommand(string task, string? resumeSessionId = null, int? maxTurns = null, string? label = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        List<string> command = ["claude", "-p", task, "--output-format", "json", "--dangerously-skip-permissions"];
        if (resumeSessionId is not null)
        {
            command.AddRange(["--resume", SessionIds.RequireWellFormed(resumeSessionId)]);
        }

        if (maxTurns is { } turns)
        {
            command.AddRange(["--max-turns", turns.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        return command;
    }

    public HarnessResult ParseOutput(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var result = JsonLines.Objects(stdout).LastOrDefault(o => o.String("type") == "result" || o.String("session_id") is not null);
        if (result.ValueKind != JsonValueKind.Object)
        {
            throw HarnessOutputException.For("claude", $"no JSON result (exit code {exitCode})", stdout);
        }

        return new HarnessResult(
            SessionId: result.String("session_id"),
            ResultText: result.String("result") ?? "",
            IsError: result.Bool("is_error"),
            ExitCode: exitCode,
            CostUsd: result.Decimal("total_cost_usd"),
            Usage: result.Object("usage") is { } usage
                ? new HarnessUsage(
                    usage.Long("input_tokens"),
                    usage.Long("output_tokens"),
                    usage.Long("cache_read_input_tokens"),
                    usage.Long("cache_creation_input_tokens"))
                : null,
            RawJson: result.GetRawText())
        {
            Turns = result.TryGetProperty("num_turns", out var turns) && turns.TryGetInt32(out var count) ? count : null,
            PermissionDenials = result.TryGetProperty("permission_denials", out var denials) && denials.ValueKind == JsonValueKind.Array ? denials.GetArrayLength() : null,
        };
    }
}
