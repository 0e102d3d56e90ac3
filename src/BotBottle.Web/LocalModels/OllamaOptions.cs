namespace BotBottle.Web.LocalModels;

public sealed class OllamaOptions
{
    public const string Section = "BotBottle:Ollama";

    /// <summary>The Ollama server; the AppHost's reference (services:ollama:http:0) is used when this is empty.</summary>
    public Uri? Url { get; set; }

    /// <summary>Wait no longer than this for a listing; a pull streams for as long as it takes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
