using BotBottle.Core.LocalModels;

namespace BotBottle.Core.Tests.LocalModels;

/// <summary>
/// The seed's reference machine is an RTX 3070 (8 GB VRAM) with 30 GB RAM. Its VRAM figures are for
/// Ollama's default context (4096 tokens) unless it says otherwise, so that is what the rows use.
/// </summary>
public sealed class ModelSizingTests
{
    private const long Gib = 1L << 30;
    private const long Vram = 8 * Gib;
    private const long Ram = 30 * Gib;
    private const int DefaultContext = OllamaContext.DefaultContextLength;

    // Qwen2.5 7B's real attention shape (config.json: 28 layers, 4 KV heads, head dimension 128).
    private static readonly KvCacheShape Qwen25Coder7B = new(28, 4, 128);

    private static SizingVerdict Estimate(string parameterSize, int context = DefaultContext, SizingOptions? options = null) =>
        ModelSizing.Estimate(ModelSize.ParseParameterCount(parameterSize), Quantization.Q4_K_M, context, Vram, Ram, options);

    // Seed section 3, "VRAM hard limits at Q4_K_M quantization": 3–4B yes with headroom, 7–8B yes,
    // 12–14B edge / RAM offload, 22B+ no.
    [Theory]
    [InlineData("3.1B", Fit.FitsInVram)]
    [InlineData("3.8B", Fit.FitsInVram)]
    [InlineData("7.6B", Fit.FitsInVram)]
    [InlineData("8.0B", Fit.FitsInVram)]
    [InlineData("14.8B", Fit.FitsWithRamOffload)]
    [InlineData("22.2B", Fit.DoesNotFit)]
    [InlineData("32.8B", Fit.DoesNotFit)]
    [InlineData("70.6B", Fit.DoesNotFit)]
    public void The_seed_q4_k_m_size_classes_get_the_seed_verdict_on_an_8_gb_card(string parameterSize, Fit expected)
    {
        Assert.Equal(expected, Estimate(parameterSize).Fit);
    }

    // "12–14B: Edge / RAM offload" and "Gemma 4 12B: ~8–9 GB, Edge": a 12B lands within half a GiB of the
    // card's capacity either way, so it fits with no headroom or spills a sliver; either is "edge".
    [Theory]
    [InlineData("12B")]
    [InlineData("12.2B")]
    public void Twelve_b_models_sit_on_the_edge_of_an_8_gb_card(string parameterSize)
    {
        var verdict = Estimate(parameterSize);

        Assert.NotEqual(Fit.DoesNotFit, verdict.Fit);
        Assert.InRange(verdict.TotalBytes - Vram, -Gib / 2, Gib / 2);
        Assert.True(verdict.OffloadedFraction < 0.05);
    }

    [Theory]
    [InlineData("3.1B", 2.5, 3.5)]
    [InlineData("3.8B", 2.5, 3.5)]
    [InlineData("7.6B", 5, 6)]
    [InlineData("8.0B", 5, 6)]
    [InlineData("22.2B", 14, 100)]
    public void Estimated_totals_land_in_the_seed_vram_ranges(string parameterSize, double lowGb, double highGb)
    {
        var gigabytes = Estimate(parameterSize).TotalBytes / 1e9;

        Assert.InRange(gigabytes, lowGb, highGb);
    }

    // Seed section 3, "Does Gemma 4 exist?": E2B yes, E4B yes, 12B edge, 26B MoE no, 31B dense no. The E
    // models carry per-layer embeddings beyond their effective size, so they are sized generously here
    // (5B and 8B); they fit even so. The MoE is sized as dense, which is what its memory footprint is.
    [Theory]
    [InlineData("gemma4:e2b", "5B", Fit.FitsInVram)]
    [InlineData("gemma4:e4b", "8B", Fit.FitsInVram)]
    [InlineData("gemma4:26b", "26B", Fit.DoesNotFit)]
    [InlineData("gemma4:31b", "31B", Fit.DoesNotFit)]
    // Seed section 3, model by model.
    [InlineData("qwen2.5-coder:7b", "7.6B", Fit.FitsInVram)]
    [InlineData("qwen2.5-coder:14b", "14.8B", Fit.FitsWithRamOffload)]
    [InlineData("phi4-mini", "3.8B", Fit.FitsInVram)]
    [InlineData("deepseek-r1:8b", "8.2B", Fit.FitsInVram)]
    [InlineData("codestral:22b", "22.2B", Fit.DoesNotFit)]
    public void Every_model_the_seed_evaluates_gets_the_seed_verdict(string model, string parameterSize, Fit expected)
    {
        var verdict = Estimate(parameterSize, options: new SizingOptions(model));

        Assert.Equal(expected, verdict.Fit);
        Assert.StartsWith($"{model} Q4_K_M needs about ", verdict.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Qwen_coder_7b_fits_with_two_to_three_gib_to_spare_as_the_seed_says()
    {
        var verdict = Estimate("7.6B");

        Assert.InRange(Vram - verdict.TotalBytes, 2 * Gib, 3 * Gib);
        Assert.Equal(0, verdict.OffloadedBytes);
        Assert.Equal(1, verdict.ExpectedSlowdown);
    }

    [Fact]
    public void Phi4_mini_leaves_about_five_gib_free_as_the_seed_says()
    {
        Assert.InRange(Vram - Estimate("3.8B").TotalBytes, 4.5 * Gib, 5.5 * Gib);
    }

    [Fact]
    public void Qwen_coder_14b_weights_match_the_seed_8_7_gb_at_q4_k_m()
    {
        Assert.InRange(Estimate("14.8B").WeightsBytes / 1e9, 8.4, 9.0);
    }

    [Fact]
    public void Qwen_coder_14b_at_the_seed_8k_context_offloads_a_fifth_and_is_two_to_five_times_slower()
    {
        var verdict = Estimate("14.8B", 8192, new SizingOptions("qwen2.5-coder:14b"));

        Assert.Equal(Fit.FitsWithRamOffload, verdict.Fit);
        Assert.InRange(verdict.OffloadedFraction, 0.15, 0.30);
        Assert.InRange(verdict.ExpectedSlowdown, 2, 5);
        Assert.Equal(verdict.TotalBytes - Vram, verdict.OffloadedBytes);
        Assert.Contains("offloaded to system RAM", verdict.Explanation, StringComparison.Ordinal);
        Assert.Contains("slower than fully in VRAM", verdict.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Qwen_coder_14b_at_a_64k_context_does_not_fit_which_is_why_the_seed_keeps_it_at_8k()
    {
        var verdict = Estimate("14.8B", 65536);

        Assert.Equal(Fit.DoesNotFit, verdict.Fit);
        Assert.True(verdict.KvCacheBytes > verdict.WeightsBytes);
    }

    [Fact]
    public void A_22b_model_is_not_viable_even_though_its_overflow_would_fit_in_ram()
    {
        var verdict = Estimate("22.2B");

        Assert.Equal(Fit.DoesNotFit, verdict.Fit);
        Assert.True(verdict.OffloadedBytes < Ram);
        Assert.True(verdict.OffloadedFraction > ModelSizing.MaxViableOffloadFraction);
        Assert.Contains("too slow to use", verdict.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_70b_model_does_not_fit_in_vram_plus_ram()
    {
        var verdict = Estimate("70.6B");

        Assert.Equal(Fit.DoesNotFit, verdict.Fit);
        Assert.True(verdict.OffloadedBytes > Ram);
        Assert.Contains("does not fit in 8.0 GiB of VRAM plus 30.0 GiB of free RAM", verdict.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void The_explanation_states_the_need_its_parts_and_the_headroom()
    {
        var verdict = Estimate("7.6B", options: new SizingOptions("qwen2.5-coder:7b"));

        Assert.Equal(
            "qwen2.5-coder:7b Q4_K_M needs about 5.2 GiB (4.2 GiB weights, 0.5 GiB KV cache) for 4K tokens of context: " +
            "fits in 8.0 GiB of VRAM with 2.8 GiB to spare.",
            verdict.Explanation);
    }

    [Fact]
    public void Without_a_name_the_explanation_describes_the_model_by_size()
    {
        Assert.StartsWith("7.6B-parameter Q4_K_M model needs about", Estimate("7.6B").Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Total_is_weights_plus_kv_cache_plus_runtime_overhead()
    {
        var verdict = Estimate("7.6B");

        Assert.Equal(7_600_000_000L * 48 / 80, verdict.WeightsBytes);
        Assert.Equal(32L * 4096 * DefaultContext, verdict.KvCacheBytes);
        Assert.Equal(ModelSizing.RuntimeOverheadBytes, verdict.OverheadBytes);
        Assert.Equal(verdict.WeightsBytes + verdict.KvCacheBytes + verdict.OverheadBytes, verdict.TotalBytes);
    }

    [Theory]
    [InlineData(Quantization.Q4_0, 4_275_000_000L)]
    [InlineData(Quantization.Q8_0, 8_075_000_000L)]
    [InlineData(Quantization.F16, 15_200_000_000L)]
    [InlineData(Quantization.F32, 30_400_000_000L)]
    public void Weights_are_parameters_times_bits_per_weight(Quantization quantization, long expected)
    {
        Assert.Equal(expected, ModelSizing.WeightsBytes(7_600_000_000, quantization));
    }

    [Theory]
    [InlineData(KvCacheType.F16, 3_758_096_384L)]
    [InlineData(KvCacheType.Q8_0, 1_996_488_704L)]
    [InlineData(KvCacheType.Q4_0, 1_056_964_608L)]
    public void Kv_cache_is_two_times_layers_kv_heads_head_dimension_bytes_per_element_and_tokens(KvCacheType type, long expected)
    {
        // 2 × 28 × 4 × 128 × 2 bytes = 56 KiB per token at f16; 64K tokens make 3.5 GiB.
        Assert.Equal(expected, ModelSizing.KvCacheBytes(Qwen25Coder7B, 65536, type));
    }

    [Theory]
    [InlineData(494_030_000L, 24)]
    [InlineData(7_600_000_000L, 32)]
    [InlineData(14_800_000_000L, 48)]
    [InlineData(32_800_000_000L, 64)]
    [InlineData(70_600_000_000L, 80)]
    public void Unknown_architectures_are_approximated_with_llama_3_style_attention_per_size_class(long parameters, int layers)
    {
        Assert.Equal(new KvCacheShape(layers, 8, 128), KvCacheShape.ApproximateFor(parameters));
    }

    [Fact]
    public void Qwen_coder_7b_at_the_recommended_64k_context_spills_slightly_with_an_f16_cache_but_fits_with_q8_0()
    {
        var f16 = Estimate("7.6B", OllamaContext.RecommendedContextLength, new SizingOptions(KvCacheShape: Qwen25Coder7B));
        var q8 = Estimate("7.6B", OllamaContext.RecommendedContextLength,
            new SizingOptions(KvCacheShape: Qwen25Coder7B, KvCacheType: KvCacheType.Q8_0));

        Assert.Equal(Fit.FitsWithRamOffload, f16.Fit);
        Assert.True(f16.OffloadedFraction < 0.05);
        Assert.Equal(Fit.FitsInVram, q8.Fit);
    }

    [Fact]
    public void A_model_exactly_filling_the_vram_fits_with_nothing_to_spare()
    {
        var total = Estimate("7.6B").TotalBytes;

        var verdict = ModelSizing.Estimate(7_600_000_000, Quantization.Q4_K_M, DefaultContext, total, Ram);

        Assert.Equal(Fit.FitsInVram, verdict.Fit);
        Assert.Equal(0, verdict.OffloadedBytes);
        Assert.Contains("with 0.0 GiB to spare", verdict.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void One_byte_over_the_vram_is_offloaded_to_ram()
    {
        var total = Estimate("7.6B").TotalBytes;

        var verdict = ModelSizing.Estimate(7_600_000_000, Quantization.Q4_K_M, DefaultContext, total - 1, Ram);

        Assert.Equal(Fit.FitsWithRamOffload, verdict.Fit);
        Assert.Equal(1, verdict.OffloadedBytes);
        Assert.Equal(1, verdict.ExpectedSlowdown, precision: 6);
    }

    [Fact]
    public void An_overflow_exactly_filling_the_free_ram_still_fits_but_one_byte_more_does_not()
    {
        var total = Estimate("7.6B").TotalBytes;
        var vram = total - Gib;

        Assert.Equal(Fit.FitsWithRamOffload, ModelSizing.Estimate(7_600_000_000, Quantization.Q4_K_M, DefaultContext, vram, Gib).Fit);
        Assert.Equal(Fit.DoesNotFit, ModelSizing.Estimate(7_600_000_000, Quantization.Q4_K_M, DefaultContext, vram, Gib - 1).Fit);
    }

    [Fact]
    public void Up_to_a_third_offloaded_is_viable_and_beyond_it_is_not()
    {
        var total = Estimate("7.6B").TotalBytes;
        var atLimit = (long)Math.Ceiling(total * 2.0 / 3);

        var viable = ModelSizing.Estimate(7_600_000_000, Quantization.Q4_K_M, DefaultContext, atLimit, Ram);
        var tooMuch = ModelSizing.Estimate(7_600_000_000, Quantization.Q4_K_M, DefaultContext, atLimit - 1, Ram);

        Assert.Equal(Fit.FitsWithRamOffload, viable.Fit);
        Assert.Equal(Fit.DoesNotFit, tooMuch.Fit);
        Assert.InRange(viable.ExpectedSlowdown, 3.6, 3.7);
    }

    [Fact]
    public void Without_vram_everything_would_run_on_the_cpu_and_is_not_viable()
    {
        var verdict = ModelSizing.Estimate(3_800_000_000, Quantization.Q4_K_M, DefaultContext, 0, Ram);

        Assert.Equal(Fit.DoesNotFit, verdict.Fit);
        Assert.Equal(1, verdict.OffloadedFraction);
        Assert.Equal(ModelSizing.RamToVramCostRatio, verdict.ExpectedSlowdown);
        Assert.Contains("100% would run from system RAM", verdict.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, 4096, 0L, 0L)]
    [InlineData(1_000_000L, 0, 0L, 0L)]
    [InlineData(1_000_000L, 4096, -1L, 0L)]
    [InlineData(1_000_000L, 4096, 0L, -1L)]
    public void Impossible_inputs_are_rejected(long parameters, int context, long vram, long ram)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelSizing.Estimate(parameters, Quantization.Q4_K_M, context, vram, ram));
    }

    [Fact]
    public void A_kv_cache_shape_with_no_layers_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KvCacheShape(0, 8, 128));
    }
}
