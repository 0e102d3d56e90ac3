using BotBottle.Core.Manifest;

namespace BotBottle.Core.Harnesses;

/// <summary>
/// How one coding-agent CLI is driven non-interactively inside a bottle: the command for a fresh
/// run or a resume of a named session, where it keeps its state (what the transcript snapshot
/// copies), and how its output becomes a <see cref="HarnessResult"/>.
/// </summary>
public interface IAgentHarness
{
    Harness Kind { get; }

    /// <summary>The harness's state directory relative to the agent's home, snapshotted after each run.</summary>
    string StateDirectory { get; }

    /// <summary>The host the harness's default model API lives on (added to the egress allowlist).</summary>
    string ApiHost { get; }

    /// <summary>
    /// The argv for a run; with a session id the run resumes exactly that session. <paramref name="maxTurns"/>
    /// (the agent's <c>budget.maxTurns</c>) and <paramref name="label"/> (the bottle's label, as a
    /// session title) are passed where the CLI has a place for them.
    /// </summary>
    IReadOnlyList<string> BuildCommand(string task, string? resumeSessionId = null, int? maxTurns = null, string? label = null);

    /// <summary>Reads the harness's standard output after it exited with <paramref name="exitCode"/>.</summary>
    HarnessResult ParseOutput(string stdout, int exitCode);
}
