using System.Diagnostics.CodeAnalysis;

namespace BotBottle.Core.LocalModels;

/// <summary>How Ollama stores the KV cache (<c>OLLAMA_KV_CACHE_TYPE</c>; the quantized ones need flash attention).</summary>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores",
    Justification = "Mirrors Ollama's OLLAMA_KV_CACHE_TYPE values (q8_0, q4_0).")]
public enum KvCacheType
{
    F16,
    Q8_0,
    Q4_0,
}

public static class KvCacheTypes
{
    /// <summary>Bytes per cached element, with the same block layouts as the weight formats (34/32, 18/32).</summary>
    public static double BytesPerElement(this KvCacheType type) => type switch
    {
        KvCacheType.F16 => 2,
        KvCacheType.Q8_0 => 34.0 / 32,
        KvCacheType.Q4_0 => 18.0 / 32,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown KV cache type"),
    };
}

/// <summary>
/// The attention shape that sets the KV-cache size. For every token of context, every layer keeps one key
/// and one value vector per KV head, so bytes per token = 2 × layers × KV heads × head dimension × bytes per
/// element. Ollama's <c>/api/show</c> model_info has these as <c>*.block_count</c>,
/// <c>*.attention.head_count_kv</c> and <c>*.attention.key_length</c>; pass them when known.
/// </summary>
public sealed record KvCacheShape(int Layers, int KvHeads, int HeadDimension)
{
    public int Layers { get; } = Positive(Layers, nameof(Layers));

    public int KvHeads { get; } = Positive(KvHeads, nameof(KvHeads));

    public int HeadDimension { get; } = Positive(HeadDimension, nameof(HeadDimension));

    public double BytesPerToken(KvCacheType type) => 2.0 * Layers * KvHeads * HeadDimension * type.BytesPerElement();

    /// <summary>
    /// A stand-in when the architecture is unknown: Llama-3-style grouped-query attention (8 KV heads of
    /// dimension 128, i.e. 4 KiB per layer per token at f16) with a layer count typical of the size class
    /// (Llama 3.1 8B and Mistral 7B: 32; Qwen2.5 14B: 48; Qwen2.5 32B: 64; Llama 3 70B: 80). This errs
    /// high for models with fewer KV heads (Qwen2.5 7B has 4 over 28 layers, half this figure), which is
    /// the safe direction for a "will it fit" check. Sliding-window layers (Gemma) are not modelled.
    /// </summary>
    public static KvCacheShape ApproximateFor(long parameters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameters);
        var layers = parameters switch
        {
            < 2_000_000_000 => 24,
            < 10_000_000_000 => 32,
            < 20_000_000_000 => 48,
            < 40_000_000_000 => 64,
            _ => 80,
        };
        return new KvCacheShape(layers, KvHeads: 8, HeadDimension: 128);
    }

    private static int Positive(int value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, name);
        return value;
    }
}
