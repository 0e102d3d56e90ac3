namespace BotBottle.Web.LocalModels;

public sealed class OllamaOptions
{
    public const string Section = "BotBottle:Ollama";

    /// <summary>The Ollama server; the AppHost's reference (services:ollama:http:0) is used when this is empty.</summary>
    public Uri? Url { get; set; }

    /// <summary>The GPU memory models are sized against (no GPU can be detected from here; say what the Ollama host has).</summary>
    public double VramGiB { get; set; } = 8;

    /// <summary>System RAM available for offloaded layers.</summary>
    public double RamGiB { get; set; } = 30;

    /// <summary>The context Ollama is configured for (the AppHost sets OLLAMA_CONTEXT_LENGTH to it).</summary>
    public int ContextLength { get; set; } = Core.LocalModels.OllamaContext.RecommendedContextLength;

    /// <summary>Wait no longer than this for a listing; a pull streams for as long as it takes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
