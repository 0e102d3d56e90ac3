using BotBottle.Core.LocalModels;

namespace BotBottle.Web.LocalModels;

/// <summary>What the Models page says about an installed model: its size class and whether it fits the configured GPU.</summary>
public sealed record InstalledModelReport(InstalledModel Model, SizingVerdict? Sizing, string? SizingProblem)
{
    public static InstalledModelReport For(InstalledModel model, OllamaOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (!ModelSize.TryParseParameterCount(model.ParameterSize, out var parameters))
        {
            return new(model, null, $"parameter count '{model.ParameterSize}' is not one this page can size");
        }

        if (!ModelSize.TryParseQuantization(model.Quantization, out var quantization))
        {
            return new(model, null, $"quantization '{model.Quantization}' is not one this page can size");
        }

        var verdict = ModelSizing.Estimate(parameters, quantization, options.ContextLength, GiB(options.VramGiB), GiB(options.RamGiB), new SizingOptions(ModelName: model.Name));
        return new(model, verdict, null);
    }

    private static long GiB(double value) => (long)(value * 1024 * 1024 * 1024);
}
