namespace BotBottle.Core.Manifest;

/// <summary>Who serves the model an agent talks to.</summary>
public enum ModelProvider
{
    Anthropic,
    OpenAI,
    Ollama,
}

/// <summary>The model an agent uses; a null <see cref="Name"/> leaves the choice to the harness.</summary>
public sealed record ModelSpec(ModelProvider Provider, string? Name = null);

public static class ModelProviderNames
{
    private static readonly Dictionary<string, ModelProvider> ByName = new(StringComparer.Ordinal)
    {
        ["anthropic"] = ModelProvider.Anthropic,
        ["openai"] = ModelProvider.OpenAI,
        ["ollama"] = ModelProvider.Ollama,
    };

    public static IReadOnlyList<string> All { get; } = [.. ByName.Keys];

    public static bool TryParse(string? name, out ModelProvider provider) =>
        ByName.TryGetValue(name ?? "", out provider);

    public static string ToManifestName(this ModelProvider provider) => provider switch
    {
        ModelProvider.Anthropic => "anthropic",
        ModelProvider.OpenAI => "openai",
        ModelProvider.Ollama => "ollama",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown model provider"),
    };
}
