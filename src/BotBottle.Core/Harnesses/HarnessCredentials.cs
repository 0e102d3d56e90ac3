using BotBottle.Core.Manifest;

namespace BotBottle.Core.Harnesses;

/// <summary>
/// Whether a harness about to run has a credential for its model API, and if not, what to set. A
/// run without one fails inside the container with the CLI's own "Not logged in"; refusing it
/// before any container starts, with the parameter to set, is what an operator can act on.
/// </summary>
public static class HarnessCredentials
{
    private static readonly Dictionary<Harness, (string[] Variables, string Parameter)> Needed = new()
    {
        [Harness.Claude] = (["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN"], "anthropic-api-key (or claude-code-oauth-token)"),
        [Harness.Codex] = (["OPENAI_API_KEY", "CODEX_API_KEY"], "openai-api-key"),
    };

    /// <returns>Null when <paramref name="environment"/> holds a credential (or the harness needs none here); else the reason, naming what to set.</returns>
    public static string? Missing(string agentKey, Harness harness, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!Needed.TryGetValue(harness, out var needed)
            || needed.Variables.Any(v => environment.TryGetValue(v, out var value) && !string.IsNullOrWhiteSpace(value)))
        {
            return null;
        }

        return $"agent {agentKey} ({harness.ToManifestName()}) has no credential for its model API: set the AppHost parameter {needed.Parameter} " +
            $"(dotnet user-secrets set Parameters:{needed.Parameter.Split(' ')[0]} <value> --project src/BotBottle.AppHost), " +
            $"or {needed.Variables[0]} in the Worker's BotBottle:AgentEnvironment or the agent's env in the manifest";
    }
}
