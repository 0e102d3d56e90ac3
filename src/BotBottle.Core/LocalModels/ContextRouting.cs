using BotBottle.Core.Manifest;

namespace BotBottle.Core.LocalModels;

public enum RouteTarget
{
    Local,
    Remote,

    /// <summary>The task needs more context than the local model has and no remote provider is configured.</summary>
    None,
}

/// <param name="Model">The model to use: an Ollama spec for local, the configured remote spec, or null for <see cref="RouteTarget.None"/>.</param>
public sealed record RoutingDecision(RouteTarget Target, ModelSpec? Model, string Reason);

/// <summary>
/// The seed's hybrid rule: routine agent loops stay on the local GPU (no network round-trips across 20–50
/// tool calls, no cost, nothing leaves the machine); only tasks needing more context than the local model
/// offers, or very long context (over 128K tokens), go to the remote API.
/// </summary>
public static class ContextRouting
{
    /// <summary>The seed's "very long context (&gt;128K tokens)": beyond it, go remote even if the local model claims to cope.</summary>
    public const int LongContextThresholdTokens = 131072;

    /// <summary>
    /// System prompt plus tool schemas sent before the task itself. The seed puts an agent harness's system
    /// prompt alone at 7,000–10,000 tokens (Cline); tool schemas come on top, so 12K covers a full harness.
    /// </summary>
    public const int AgentOverheadTokens = 12_000;

    /// <summary>The usual rule of thumb for English text and code with BPE tokenizers; good enough for a routing decision.</summary>
    public const int CharactersPerToken = 4;

    public static int EstimateRequiredContextTokens(int promptCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(promptCharacters);
        var promptTokens = ((long)promptCharacters + CharactersPerToken - 1) / CharactersPerToken;
        return checked((int)(promptTokens + AgentOverheadTokens));
    }

    public static RoutingDecision Choose(
        int requiredContextTokens,
        int localContextTokens,
        string localModel,
        ModelSpec? remote,
        int longContextThresholdTokens = LongContextThresholdTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requiredContextTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(localContextTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(longContextThresholdTokens);
        ArgumentException.ThrowIfNullOrWhiteSpace(localModel);

        var needs = $"the task needs about {Units.Tokens(requiredContextTokens)} tokens of context";
        var local = new ModelSpec(ModelProvider.Ollama, localModel);

        if (requiredContextTokens > localContextTokens)
        {
            var limit = $"{needs}, more than the {Units.Tokens(localContextTokens)} that {localModel} is configured for" +
                (localContextTokens < OllamaContext.RecommendedContextLength
                    ? $" (raise its num_ctx to at least {Units.Tokens(OllamaContext.RecommendedContextLength)})"
                    : "");
            return remote is null
                ? new RoutingDecision(RouteTarget.None, null, $"{limit}, and no remote provider is configured")
                : new RoutingDecision(RouteTarget.Remote, remote, $"{limit}; using {Describe(remote)}");
        }

        if (requiredContextTokens > longContextThresholdTokens)
        {
            var veryLong = $"{needs}, beyond the {Units.Tokens(longContextThresholdTokens)} long-context threshold";
            return remote is null
                ? new RoutingDecision(RouteTarget.Local, local, $"{veryLong}, but no remote provider is configured; staying on {localModel}")
                : new RoutingDecision(RouteTarget.Remote, remote, $"{veryLong}; using {Describe(remote)}");
        }

        return new RoutingDecision(RouteTarget.Local, local,
            $"{needs}, within the {Units.Tokens(localContextTokens)} of {localModel}; staying local");
    }

    private static string Describe(ModelSpec remote) =>
        remote.Name is null ? remote.Provider.ToManifestName() : $"{remote.Provider.ToManifestName()} {remote.Name}";
}
