using BotBottle.Core.LocalModels;

namespace BotBottle.Core.Tests.LocalModels;

public sealed class ModelSizeTests
{
    [Theory]
    [InlineData("7.6B", 7_600_000_000L)]
    [InlineData("494.03M", 494_030_000L)]
    [InlineData("70B", 70_000_000_000L)]
    [InlineData("1.5B", 1_500_000_000L)]
    [InlineData("3.8B", 3_800_000_000L)]
    [InlineData("14.8B", 14_800_000_000L)]
    [InlineData("137M", 137_000_000L)]
    [InlineData("671B", 671_000_000_000L)]
    [InlineData("1.2T", 1_200_000_000_000L)]
    [InlineData("7b", 7_000_000_000L)]
    [InlineData(" 8.0B ", 8_000_000_000L)]
    [InlineData("7.6 B", 7_600_000_000L)]
    public void Ollama_parameter_sizes_are_parsed_with_decimal_suffixes(string text, long expected)
    {
        Assert.True(ModelSize.TryParseParameterCount(text, out var parameters));
        Assert.Equal(expected, parameters);
        Assert.Equal(expected, ModelSize.ParseParameterCount(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("B")]
    [InlineData("7")]
    [InlineData("7.6")]
    [InlineData("7.6GB")]
    [InlineData("7.6 billion")]
    [InlineData("-7B")]
    [InlineData("7,6B")]
    [InlineData(".5B")]
    [InlineData("0B")]
    [InlineData("0.0001K")]
    [InlineData("8x7B")]
    [InlineData("99999999999T")]
    public void Parameter_sizes_without_a_known_suffix_or_with_a_zero_or_malformed_number_are_refused(string? text)
    {
        Assert.False(ModelSize.TryParseParameterCount(text, out var parameters));
        Assert.Equal(0, parameters);
    }

    [Fact]
    public void Parsing_a_refused_parameter_size_throws_an_explaining_format_exception()
    {
        var error = Assert.Throws<FormatException>(() => ModelSize.ParseParameterCount("7"));

        Assert.Contains("invalid parameter size '7'", error.Message, StringComparison.Ordinal);
        Assert.Contains("7.6B", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Q4_K_M", Quantization.Q4_K_M)]
    [InlineData("Q4_0", Quantization.Q4_0)]
    [InlineData("Q5_K_M", Quantization.Q5_K_M)]
    [InlineData("Q6_K", Quantization.Q6_K)]
    [InlineData("Q8_0", Quantization.Q8_0)]
    [InlineData("F16", Quantization.F16)]
    [InlineData("FP16", Quantization.F16)]
    [InlineData("BF16", Quantization.BF16)]
    [InlineData("F32", Quantization.F32)]
    [InlineData("q4_k_m", Quantization.Q4_K_M)]
    [InlineData(" Q8_0 ", Quantization.Q8_0)]
    public void Ollama_quantization_levels_are_recognised(string text, Quantization expected)
    {
        Assert.True(ModelSize.TryParseQuantization(text, out var quantization));
        Assert.Equal(expected, quantization);
        Assert.Equal(expected, ModelSize.ParseQuantization(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Q4_K")]
    [InlineData("Q4_K_S")]
    [InlineData("Q3_K_M")]
    [InlineData("Q2_K")]
    [InlineData("IQ4_XS")]
    [InlineData("MXFP4")]
    [InlineData("Q4KM")]
    [InlineData("4-bit")]
    public void Quantization_levels_we_cannot_size_are_refused_rather_than_guessed(string? text)
    {
        Assert.False(ModelSize.TryParseQuantization(text, out _));
    }

    [Fact]
    public void Parsing_an_unsupported_quantization_names_the_supported_ones()
    {
        var error = Assert.Throws<FormatException>(() => ModelSize.ParseQuantization("IQ4_XS"));

        Assert.Contains("unsupported quantization 'IQ4_XS'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Q4_K_M", error.Message, StringComparison.Ordinal);
        Assert.Contains("BF16", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Quantization.Q4_0, 4.5)]
    [InlineData(Quantization.Q4_K_M, 4.8)]
    [InlineData(Quantization.Q5_K_M, 5.7)]
    [InlineData(Quantization.Q6_K, 6.5625)]
    [InlineData(Quantization.Q8_0, 8.5)]
    [InlineData(Quantization.F16, 16)]
    [InlineData(Quantization.BF16, 16)]
    [InlineData(Quantization.F32, 32)]
    public void Every_quantization_has_its_bits_per_weight_including_block_scales(Quantization quantization, double bits)
    {
        Assert.Equal(bits, quantization.BitsPerWeight());
    }

    [Fact]
    public void Every_quantization_round_trips_through_its_ollama_name()
    {
        foreach (var quantization in Enum.GetValues<Quantization>())
        {
            Assert.Equal(quantization, ModelSize.ParseQuantization(quantization.ToOllamaName()));
        }
    }

    [Theory]
    [InlineData(7_600_000_000L, "7.6B")]
    [InlineData(70_000_000_000L, "70B")]
    [InlineData(494_030_000L, "494M")]
    [InlineData(1_500_000_000_000L, "1.5T")]
    [InlineData(1_500L, "1.5K")]
    public void Parameter_counts_are_formatted_the_way_ollama_writes_them(long parameters, string expected)
    {
        Assert.Equal(expected, ModelSize.FormatParameterCount(parameters));
    }
}
