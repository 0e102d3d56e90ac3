using System.Globalization;
using System.Text.RegularExpressions;

namespace BotBottle.Core.LocalModels;

/// <summary>
/// Parses the size fields of Ollama's model details: <c>parameter_size</c> ("7.6B", "494.03M") and
/// <c>quantization_level</c> ("Q4_K_M"). Anything unrecognised is refused rather than guessed, because
/// a wrong size turns into a wrong "fits in VRAM" verdict.
/// </summary>
public static partial class ModelSize
{
    // Ollama writes parameter counts with decimal (SI) suffixes: 494.03M is 494,030,000 parameters.
    private static readonly Dictionary<char, decimal> Multipliers = new()
    {
        ['K'] = 1e3m,
        ['M'] = 1e6m,
        ['B'] = 1e9m,
        ['T'] = 1e12m,
    };

    private static readonly Dictionary<string, Quantization> QuantizationsByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Q4_0"] = Quantization.Q4_0,
        ["Q4_K_M"] = Quantization.Q4_K_M,
        ["Q5_K_M"] = Quantization.Q5_K_M,
        ["Q6_K"] = Quantization.Q6_K,
        ["Q8_0"] = Quantization.Q8_0,
        ["F16"] = Quantization.F16,
        // Some Modelfiles and converters say FP16 for the same half-precision format.
        ["FP16"] = Quantization.F16,
        ["BF16"] = Quantization.BF16,
        ["F32"] = Quantization.F32,
    };

    public const string ParameterCountHint = "expected a number with a K, M, B or T suffix (e.g. 7.6B, 494.03M, 70B)";

    public static IReadOnlyList<string> KnownQuantizations { get; } = [.. QuantizationsByName.Keys];

    /// <summary>
    /// A bare number is refused: Ollama always adds a suffix, so "7" is far more likely a truncated
    /// "7B" than a seven-parameter model.
    /// </summary>
    public static bool TryParseParameterCount(string? text, out long parameters)
    {
        parameters = 0;
        var match = ParameterCountPattern().Match((text ?? "").Trim());
        if (!match.Success
            || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var count = decimal.Round(number * Multipliers[char.ToUpperInvariant(match.Groups["unit"].Value[0])]);
        if (count <= 0 || count > long.MaxValue)
        {
            return false;
        }

        parameters = (long)count;
        return true;
    }

    public static long ParseParameterCount(string text) =>
        TryParseParameterCount(text, out var parameters)
            ? parameters
            : throw new FormatException($"invalid parameter size '{text}'; {ParameterCountHint}");

    public static bool TryParseQuantization(string? text, out Quantization quantization) =>
        QuantizationsByName.TryGetValue((text ?? "").Trim(), out quantization);

    public static Quantization ParseQuantization(string text) =>
        TryParseQuantization(text, out var quantization)
            ? quantization
            : throw new FormatException(
                $"unsupported quantization '{text}'; known: {string.Join(", ", KnownQuantizations)}");

    /// <summary>Ollama's own style: "7.6B", "494M", "70B".</summary>
    public static string FormatParameterCount(long parameters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameters);
        var (value, unit) = parameters switch
        {
            >= 1_000_000_000_000 => (parameters / 1e12, "T"),
            >= 1_000_000_000 => (parameters / 1e9, "B"),
            >= 1_000_000 => (parameters / 1e6, "M"),
            >= 1_000 => (parameters / 1e3, "K"),
            _ => (parameters, ""),
        };
        return value.ToString("0.#", CultureInfo.InvariantCulture) + unit;
    }

    [GeneratedRegex(@"^(?<number>\d+(?:\.\d+)?)\s?(?<unit>[KMBT])\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ParameterCountPattern();
}
