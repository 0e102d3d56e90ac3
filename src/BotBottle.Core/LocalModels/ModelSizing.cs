namespace BotBottle.Core.LocalModels;

/// <summary>Where a model would run on a given machine.</summary>
public enum Fit
{
    /// <summary>Weights, KV cache and runtime buffers all fit in free VRAM: full GPU speed.</summary>
    FitsInVram,

    /// <summary>Ollama would put the overflow layers in system RAM; it runs, but several times slower.</summary>
    FitsWithRamOffload,

    /// <summary>Either it does not fit in VRAM plus RAM at all, or so much would run on the CPU that it is not worth it.</summary>
    DoesNotFit,
}

/// <summary>Optional detail for <see cref="ModelSizing.Estimate"/>.</summary>
/// <param name="ModelName">Used in the explanation, e.g. "qwen2.5-coder:7b".</param>
/// <param name="KvCacheShape">The real attention shape; without it one is approximated from the parameter count.</param>
/// <param name="KvCacheType">Ollama's <c>OLLAMA_KV_CACHE_TYPE</c>; f16 is its default.</param>
public sealed record SizingOptions(
    string? ModelName = null,
    KvCacheShape? KvCacheShape = null,
    KvCacheType KvCacheType = KvCacheType.F16);

/// <param name="OffloadedBytes">The part that would not fit in VRAM (0 when it fits).</param>
/// <param name="OffloadedFraction">OffloadedBytes / TotalBytes.</param>
/// <param name="ExpectedSlowdown">Generation time relative to the same model fully in VRAM (1 when it fits).</param>
/// <param name="Explanation">One sentence a user can act on.</param>
public sealed record SizingVerdict(
    Fit Fit,
    long WeightsBytes,
    long KvCacheBytes,
    long OverheadBytes,
    long TotalBytes,
    long OffloadedBytes,
    double OffloadedFraction,
    double ExpectedSlowdown,
    string Explanation);

/// <summary>
/// Estimates the memory a local model needs and where it would run: total = weights + KV cache + a fixed
/// runtime overhead, compared with free VRAM and then free RAM.
/// </summary>
public static class ModelSizing
{
    /// <summary>
    /// Per loaded model: llama.cpp's compute-graph buffers plus the CUDA context. Both grow a little with
    /// context and batch size; a flat half gibibyte keeps the estimate simple and in line with the seed's
    /// table (7–8B at Q4_K_M "5–6 GB", with "2–3 GB to spare" on an 8 GB card).
    /// </summary>
    public const long RuntimeOverheadBytes = 512L << 20;

    /// <summary>
    /// Token generation is memory-bandwidth bound: every token reads every weight once. Layers offloaded to
    /// system RAM are read at RAM speed instead of VRAM speed. The seed's reference machine, an RTX 3070
    /// (448 GB/s) with dual-channel DDR4-3200 (51 GB/s), has a ratio of about 9, so a byte served from RAM
    /// costs about 9 times a byte served from VRAM. The seed's observed partial-offload penalty is 2–5x.
    /// </summary>
    public const double RamToVramCostRatio = 9;

    /// <summary>
    /// Beyond a third of the model in system RAM the CPU share dominates (about 3.7x slower by the bandwidth
    /// model above, the top of the seed's 2–5x range). The seed calls 14B models on 8 GB (roughly a fifth
    /// offloaded) viable and 22B+ (roughly two fifths offloaded) not viable; a third separates the two.
    /// </summary>
    public const double MaxViableOffloadFraction = 1.0 / 3;

    public static SizingVerdict Estimate(
        long parameters,
        Quantization quantization,
        int contextTokens,
        long availableVramBytes,
        long availableRamBytes,
        SizingOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(availableVramBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(availableRamBytes);
        options ??= new SizingOptions();

        var weights = WeightsBytes(parameters, quantization);
        var kvCache = KvCacheBytes(options.KvCacheShape ?? KvCacheShape.ApproximateFor(parameters), contextTokens, options.KvCacheType);
        var total = weights + kvCache + RuntimeOverheadBytes;
        var needs =
            $"{Label(parameters, quantization, options.ModelName)} needs about {Units.Gib(total)} " +
            $"({Units.Gib(weights)} weights, {Units.Gib(kvCache)} KV cache) for {Units.Tokens(contextTokens)} tokens of context";

        if (total <= availableVramBytes)
        {
            return new SizingVerdict(
                Fit.FitsInVram, weights, kvCache, RuntimeOverheadBytes, total, 0, 0, 1,
                $"{needs}: fits in {Units.Gib(availableVramBytes)} of VRAM with {Units.Gib(availableVramBytes - total)} to spare.");
        }

        var offloaded = total - availableVramBytes;
        var fraction = (double)offloaded / total;
        var slowdown = Slowdown(fraction);
        var verdict = (Fit fit, string why) => new SizingVerdict(
            fit, weights, kvCache, RuntimeOverheadBytes, total, offloaded, fraction, slowdown, $"{needs}: {why}.");

        if (offloaded > availableRamBytes)
        {
            return verdict(Fit.DoesNotFit,
                $"does not fit in {Units.Gib(availableVramBytes)} of VRAM plus {Units.Gib(availableRamBytes)} of free RAM");
        }

        if (fraction > MaxViableOffloadFraction)
        {
            return verdict(Fit.DoesNotFit,
                $"{Units.Percent(fraction)} would run from system RAM beside {Units.Gib(availableVramBytes)} of VRAM, " +
                $"more than the {Units.Percent(MaxViableOffloadFraction)} limit; about {Units.Factor(slowdown)} slower, too slow to use");
        }

        return verdict(Fit.FitsWithRamOffload,
            $"{Units.Gib(offloaded)} ({Units.Percent(fraction)}) does not fit in {Units.Gib(availableVramBytes)} of VRAM " +
            $"and is offloaded to system RAM; expect generation about {Units.Factor(slowdown)} slower than fully in VRAM");
    }

    public static long WeightsBytes(long parameters, Quantization quantization)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameters);
        // Rounded, not ceiled: 4.8 is not exact in binary and a stray byte would make figures look odd.
        return (long)Math.Round(parameters * quantization.BitsPerWeight() / 8);
    }

    public static long KvCacheBytes(KvCacheShape shape, int contextTokens, KvCacheType type = KvCacheType.F16)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextTokens);
        return (long)Math.Ceiling(shape.BytesPerToken(type) * contextTokens);
    }

    /// <summary>Time per token relative to all in VRAM: the VRAM share at cost 1, the RAM share at <see cref="RamToVramCostRatio"/>.</summary>
    public static double Slowdown(double offloadedFraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offloadedFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offloadedFraction, 1);
        return 1 + (offloadedFraction * (RamToVramCostRatio - 1));
    }

    private static string Label(long parameters, Quantization quantization, string? modelName) =>
        string.IsNullOrWhiteSpace(modelName)
            ? $"{ModelSize.FormatParameterCount(parameters)}-parameter {quantization.ToOllamaName()} model"
            : $"{modelName} {quantization.ToOllamaName()}";
}
