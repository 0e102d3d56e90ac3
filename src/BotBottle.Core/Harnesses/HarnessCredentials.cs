using BotBottle.Core.Manifest;

namespace BotBottle.Core.Harnesses;

/// <summary>A variable a harness reads its model credential from, and the header it sends it in.</summary>
/// <param name="Variable">The environment variable the harness reads.</param>
/// <param name="Header">The request header the credential travels in.</param>
/// <param name="Scheme">What precedes the credential in the header ("Bearer "), or nothing.</param>
public sealed record CredentialVariable(string Variable, string Header, string Scheme);

/// <summary>
/// Which credentials each harness uses for its model API and how it sends them. A run without one
/// fails inside the container with the CLI's own "Not logged in"; refusing it before any container
/// starts, with the parameter to set, is what an operator can act on.
/// </summary>
public static class HarnessCredentials
{
    private static readonly Dictionary<Harness, (CredentialVariable[] Variables, string Parameter)> Known = new()
    {
        // In the order the harness prefers them when several are set.
        [Harness.Claude] = (
            [
                new("ANTHROPIC_API_KEY", "X-Api-Key", ""),
                new("CLAUDE_CODE_OAUTH_TOKEN", "Authorization", "Bearer "),
                new("ANTHROPIC_AUTH_TOKEN", "Authorization", "Bearer "),
            ],
            "anthropic-api-key (or claude-code-oauth-token)"),
        [Harness.Codex] = (
            [
                new("OPENAI_API_KEY", "Authorization", "Bearer "),
                new("CODEX_API_KEY", "Authorization", "Bearer "),
            ],
            "openai-api-key"),
    };

    /// <summary>
    /// Files in which harnesses keep logins and API keys inside their state directories (Claude Code's
    /// <c>.credentials.json</c>, Codex's <c>auth.json</c>): never copied out of a bottle into a snapshot
    /// or a transcript download.
    /// </summary>
    public static bool IsCredentialFile(string fileName) =>
        CredentialFileNames.Contains(fileName, StringComparer.OrdinalIgnoreCase);

    private static readonly string[] CredentialFileNames = [".credentials.json", "auth.json", "credentials.json"];

    /// <summary>The credential variables <paramref name="harness"/> reads, preferred first; none when it needs none here.</summary>
    public static IReadOnlyList<CredentialVariable> For(Harness harness) =>
        Known.TryGetValue(harness, out var known) ? known.Variables : [];

    /// <summary>The credential variable <paramref name="harness"/> will use from <paramref name="environment"/> (the preferred one set and not blank); null when none is.</summary>
    public static CredentialVariable? Configured(Harness harness, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return For(harness).FirstOrDefault(v => environment.TryGetValue(v.Variable, out var value) && !string.IsNullOrWhiteSpace(value));
    }

    /// <returns>Null when <paramref name="environment"/> holds a credential (or the harness needs none here); else the reason, naming what to set.</returns>
    public static string? Missing(string agentKey, Harness harness, IReadOnlyDictionary<string, string> environment)
    {
        if (!Known.TryGetValue(harness, out var needed) || Configured(harness, environment) is not null)
        {
            return null;
        }

        return $"agent {agentKey} ({harness.ToManifestName()}) has no credential for its model API: set the AppHost parameter {needed.Parameter} " +
            $"(dotnet user-secrets set Parameters:{needed.Parameter.Split(' ')[0]} <value> --project src/BotBottle.AppHost), " +
            $"or {needed.Variables[0].Variable} in the Worker's BotBottle:AgentEnvironment or the agent's env in the manifest";
    }
}
