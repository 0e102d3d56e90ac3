using System.Text.RegularExpressions;

namespace BotBottle.Core.Harnesses;

/// <summary>
/// Session ids arrive from webhooks, the CLI and the API; they end up on an agent's command line,
/// so only the shapes harnesses actually produce are let through.
/// </summary>
public static partial class SessionIds
{
    public static bool IsWellFormed(string? sessionId) =>
        sessionId is { Length: > 0 and <= 128 } && SessionIdPattern().IsMatch(sessionId);

    public static string RequireWellFormed(string sessionId) =>
        IsWellFormed(sessionId)
            ? sessionId
            : throw new ArgumentException(
                $"'{sessionId}' is not a session id: expected letters, digits, '-' or '_' (for Claude Code a UUID)",
                nameof(sessionId));

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SessionIdPattern();
}
