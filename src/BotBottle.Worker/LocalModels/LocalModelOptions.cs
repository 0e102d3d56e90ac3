namespace BotBottle.Worker.LocalModels;

public sealed class LocalModelOptions
{
    public const string Section = "BotBottle:Ollama";

    /// <summary>The Ollama server as the Worker sees it; the AppHost's reference (services:ollama:http:0) when empty.</summary>
    public Uri? Url { get; set; }

    /// <summary>The context Ollama is configured for; tasks that need more go to <see cref="RemoteProvider"/>.</summary>
    public int ContextLength { get; set; } = Core.LocalModels.OllamaContext.RecommendedContextLength;

    /// <summary>Where long-context tasks go instead ("anthropic" or "openai"); empty keeps every task local.</summary>
    public string RemoteProvider { get; set; } = "anthropic";

    /// <summary>The remote model for those tasks; the harness's default when empty.</summary>
    public string RemoteModel { get; set; } = "";
}
