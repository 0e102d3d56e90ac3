namespace BotBottle.Core.LocalModels;

public static class OllamaContext
{
    /// <summary>What Ollama uses when <c>num_ctx</c> is not set.</summary>
    public const int DefaultContextLength = 4096;

    /// <summary>
    /// The <c>num_ctx</c> to configure for local agent models. Ollama's 4096-token default cannot hold an
    /// agent loop's system prompt, tool schemas, conversation history and code at once; the seed says to
    /// configure at least 64K explicitly. Note the KV cache grows linearly with it (see
    /// <see cref="ModelSizing"/>): on an 8 GB card this is comfortable for a 7B only with a compact attention
    /// shape or a quantized KV cache.
    /// </summary>
    public const int RecommendedContextLength = 65536;
}
