using BotBottle.Core.LocalModels;

namespace BotBottle.Core.Tests.LocalModels;

public sealed class GpuPlacementTests
{
    // Byte counts as Ollama's /api/ps reports them on an 8 GB card.
    private const long Qwen7BSize = 5_137_025_024;
    private const long Qwen14BSize = 10_905_190_400;
    private const long Qwen14BInVram = 7_784_628_224;

    [Fact]
    public void A_7b_q4_k_m_entirely_in_vram_is_fully_on_the_gpu_without_a_warning()
    {
        var placement = GpuPlacement.Classify(new LoadedModel("qwen2.5-coder:7b", Qwen7BSize, Qwen7BSize, 65536));

        Assert.Equal(Placement.FullyOnGpu, placement.Placement);
        Assert.Equal(1, placement.GpuShare);
        Assert.Null(placement.Warning);
    }

    [Fact]
    public void A_14b_with_a_fifth_of_its_layers_in_ram_is_partly_on_cpu_and_blames_size_first()
    {
        var placement = GpuPlacement.Classify(new LoadedModel("qwen2.5-coder:14b", Qwen14BSize, Qwen14BInVram, 8192));

        Assert.Equal(Placement.PartlyOnCpu, placement.Placement);
        Assert.Equal(0.7138, placement.GpuShare, precision: 4);
        Assert.StartsWith(
            "qwen2.5-coder:14b is only 71% in GPU memory (29% on the CPU, 10.2 GiB in all with 8K tokens of context)",
            placement.Warning,
            StringComparison.Ordinal);
        Assert.Contains("larger than the free VRAM", placement.Warning, StringComparison.Ordinal);
        Assert.Contains("stale VRAM allocation", placement.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_half_in_vram_is_reported_as_partly_on_cpu()
    {
        var placement = GpuPlacement.Classify(new LoadedModel("gemma4:12b", 9_000_000_000, 4_500_000_000, null));

        Assert.Equal(Placement.PartlyOnCpu, placement.Placement);
        Assert.Equal(0.5, placement.GpuShare);
        Assert.Contains("only 50% in GPU memory (50% on the CPU, 8.4 GiB in all)", placement.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_with_nothing_in_vram_is_cpu_only_and_lists_every_gpu_access_cause()
    {
        var placement = GpuPlacement.Classify(new LoadedModel("qwen2.5-coder:7b", Qwen7BSize, 0, 4096));

        Assert.Equal(Placement.CpuOnly, placement.Placement);
        Assert.Equal(0, placement.GpuShare);
        Assert.NotNull(placement.Warning);
        Assert.Contains("running entirely on the CPU", placement.Warning, StringComparison.Ordinal);
        Assert.Contains("stale VRAM allocation", placement.Warning, StringComparison.Ordinal);
        Assert.Contains("nvidia-container-toolkit", placement.Warning, StringComparison.Ordinal);
        Assert.Contains("driver too old for the container's CUDA version", placement.Warning, StringComparison.Ordinal);
        Assert.Contains("CPU type other than `host`", placement.Warning, StringComparison.Ordinal);
        Assert.Contains("larger than the VRAM", placement.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Ninety_nine_percent_in_vram_counts_as_fully_on_the_gpu_and_a_byte_less_does_not()
    {
        var atThreshold = GpuPlacement.Classify(new LoadedModel("m", Qwen7BSize, 5_085_654_774, null));
        var justBelow = GpuPlacement.Classify(new LoadedModel("m", Qwen7BSize, 5_085_654_773, null));

        Assert.Equal(Placement.FullyOnGpu, atThreshold.Placement);
        Assert.Equal(Placement.PartlyOnCpu, justBelow.Placement);
    }

    [Fact]
    public void A_single_byte_in_vram_is_partly_on_cpu_not_cpu_only()
    {
        Assert.Equal(Placement.PartlyOnCpu, GpuPlacement.Classify(new LoadedModel("m", Qwen7BSize, 1, null)).Placement);
    }

    [Fact]
    public void Every_loaded_model_of_a_ps_listing_is_classified_in_order()
    {
        var placements = GpuPlacement.FromPs(
        [
            new LoadedModel("qwen2.5-coder:7b", Qwen7BSize, Qwen7BSize, 65536),
            new LoadedModel("qwen2.5-coder:14b", Qwen14BSize, Qwen14BInVram, 8192),
            new LoadedModel("phi4-mini", 3_500_000_000, 0, null),
        ]);

        Assert.Equal(["qwen2.5-coder:7b", "qwen2.5-coder:14b", "phi4-mini"], placements.Select(p => p.Name));
        Assert.Equal([Placement.FullyOnGpu, Placement.PartlyOnCpu, Placement.CpuOnly], placements.Select(p => p.Placement));
    }

    [Fact]
    public void An_empty_ps_listing_has_no_placements()
    {
        Assert.Empty(GpuPlacement.FromPs([]));
    }

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(-1L, 0L)]
    [InlineData(1_000L, -1L)]
    [InlineData(1_000L, 1_001L)]
    public void Inconsistent_sizes_are_rejected_rather_than_reported_as_a_share_outside_zero_to_one(long size, long sizeVram)
    {
        var error = Assert.Throws<ArgumentException>(() => GpuPlacement.Classify(new LoadedModel("m", size, sizeVram, null)));

        Assert.Contains("size_vram", error.Message, StringComparison.Ordinal);
    }
}
