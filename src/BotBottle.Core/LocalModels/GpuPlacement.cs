namespace BotBottle.Core.LocalModels;

/// <summary>One entry of Ollama's <c>/api/ps</c>: <c>name</c>, <c>size</c>, <c>size_vram</c> and, when reported, <c>context_length</c>.</summary>
public sealed record LoadedModel(string Name, long SizeBytes, long SizeVramBytes, int? ContextLength = null);

public enum Placement
{
    FullyOnGpu,
    PartlyOnCpu,
    CpuOnly,
}

/// <param name="GpuShare">size_vram / size, from 0 to 1 (what <c>ollama ps</c> shows as "% GPU").</param>
/// <param name="Warning">Null when fully on the GPU; otherwise what it costs and the usual causes.</param>
public sealed record ModelPlacement(string Name, double GpuShare, Placement Placement, string? Warning);

/// <summary>
/// Reads where Ollama actually placed each loaded model. A CPU fallback is silent: the model still answers,
/// just several times slower, so this is the place to notice it.
/// </summary>
public static class GpuPlacement
{
    /// <summary>
    /// Not exactly 1: a sliver held in host memory (e.g. buffers Ollama keeps off the GPU) does not change
    /// speed noticeably and should not raise an alarm.
    /// </summary>
    public const double FullyOnGpuShare = 0.99;

    public static IReadOnlyList<ModelPlacement> FromPs(IEnumerable<LoadedModel> loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return [.. loaded.Select(Classify)];
    }

    public static ModelPlacement Classify(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(model.Name, nameof(model));
        if (model.SizeBytes <= 0 || model.SizeVramBytes < 0 || model.SizeVramBytes > model.SizeBytes)
        {
            // Inconsistent figures would give a share outside 0..1; better to say so than to report a wrong placement.
            throw new ArgumentException(
                $"'{model.Name}' reports size {model.SizeBytes} and size_vram {model.SizeVramBytes}; " +
                "expected 0 <= size_vram <= size and size > 0",
                nameof(model));
        }

        var share = (double)model.SizeVramBytes / model.SizeBytes;
        if (model.SizeVramBytes == 0)
        {
            return new ModelPlacement(model.Name, 0, Placement.CpuOnly, CpuOnlyWarning(model));
        }

        return share >= FullyOnGpuShare
            ? new ModelPlacement(model.Name, share, Placement.FullyOnGpu, null)
            : new ModelPlacement(model.Name, share, Placement.PartlyOnCpu, PartlyOnCpuWarning(model, share));
    }

    // Causes from the seed's "CPU fallback" pitfalls, most likely first for each case: a partial offload is
    // usually a size problem, an all-CPU load usually a GPU-access problem.
    private static string PartlyOnCpuWarning(LoadedModel model, double share) =>
        $"{model.Name} is only {Units.Percent(share)} in GPU memory ({Units.Percent(1 - share)} on the CPU, " +
        $"{Units.Gib(model.SizeBytes)} in all{ContextNote(model)}), so generation is slower, often 2–5x. " +
        "Usual causes: the model plus its context is larger than the free VRAM (use a smaller model, quantization " +
        "or context); a stale VRAM allocation or another process is holding VRAM (check nvidia-smi, restart Ollama).";

    private static string CpuOnlyWarning(LoadedModel model) =>
        $"{model.Name} is running entirely on the CPU ({Units.Gib(model.SizeBytes)}{ContextNote(model)}, 0 bytes in VRAM), " +
        "so generation is many times slower. Usual causes: a stale VRAM allocation (restart Ollama); " +
        "nvidia-container-toolkit missing or the container started without --gpus all; " +
        "the host NVIDIA driver too old for the container's CUDA version; " +
        "in a VM, a CPU type other than `host` (Ollama can then silently disable the GPU); " +
        "the model larger than the VRAM.";

    private static string ContextNote(LoadedModel model) =>
        model.ContextLength is { } tokens ? $" with {Units.Tokens(tokens)} tokens of context" : "";
}
