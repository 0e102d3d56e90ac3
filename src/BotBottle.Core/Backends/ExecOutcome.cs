namespace BotBottle.Core.Backends;

/// <summary>How a command run inside a bottle ended, with everything it printed.</summary>
public sealed record ExecOutcome(int ExitCode, string StandardOutput, string StandardError);

/// <summary>One line of a bottle's output, as it is streamed.</summary>
public sealed record OutputLine(OutputChannel Stream, string Text);

public enum OutputChannel
{
    StandardOutput,
    StandardError,
}
