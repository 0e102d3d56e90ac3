using System.Diagnostics.CodeAnalysis;

namespace BotBottle.Core.LocalModels;

/// <summary>
/// The GGUF weight formats Ollama reports in <c>details.quantization_level</c> that we can size.
/// Member names keep llama.cpp's spelling so they read exactly like <c>ollama show</c> output.
/// </summary>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores",
    Justification = "Mirrors the llama.cpp / Ollama format names (Q4_K_M), which users search for verbatim.")]
public enum Quantization
{
    Q4_0,
    Q4_K_M,
    Q5_K_M,
    Q6_K,
    Q8_0,
    F16,
    BF16,
    F32,
}

public static class QuantizationFormats
{
    /// <summary>
    /// Average storage per weight, including the per-block scales. Sources: llama.cpp's block layouts
    /// (ggml-common.h) for the single-type formats, and llama.cpp's tools/quantize/README.md
    /// "Bits per Weight" table (Llama 2 7B) for the K-quant mixes, whose exact figure varies a little by
    /// architecture. The seed gives no bits-per-weight, only sizes; its "~8.7 GB for a 14B at Q4_K_M"
    /// (14.8B parameters) implies about 4.7, in line with 4.8.
    /// </summary>
    public static double BitsPerWeight(this Quantization quantization) => quantization switch
    {
        // block_q4_0: 32 four-bit weights (16 bytes) share one f16 scale (2 bytes): 18 bytes / 32 = 4.5.
        Quantization.Q4_0 => 4.5,
        // Mostly Q4_K (4.5) with the attention-value and part of the feed-forward-down tensors in Q6_K;
        // llama.cpp's table gives 4.84 for Llama 2 7B.
        Quantization.Q4_K_M => 4.8,
        // The same mix over Q5_K (5.5); llama.cpp's table gives 5.68.
        Quantization.Q5_K_M => 5.7,
        // block_q6_K: 210 bytes per 256 weights = 6.5625 (the table's 6.56).
        Quantization.Q6_K => 6.5625,
        // block_q8_0: 32 int8 weights plus one f16 scale: 34 bytes / 32 = 8.5.
        Quantization.Q8_0 => 8.5,
        Quantization.F16 or Quantization.BF16 => 16,
        Quantization.F32 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(quantization), quantization, "unknown quantization"),
    };

    /// <summary>The name Ollama and llama.cpp use, e.g. "Q4_K_M".</summary>
    public static string ToOllamaName(this Quantization quantization) => quantization switch
    {
        Quantization.Q4_0 => "Q4_0",
        Quantization.Q4_K_M => "Q4_K_M",
        Quantization.Q5_K_M => "Q5_K_M",
        Quantization.Q6_K => "Q6_K",
        Quantization.Q8_0 => "Q8_0",
        Quantization.F16 => "F16",
        Quantization.BF16 => "BF16",
        Quantization.F32 => "F32",
        _ => throw new ArgumentOutOfRangeException(nameof(quantization), quantization, "unknown quantization"),
    };
}
