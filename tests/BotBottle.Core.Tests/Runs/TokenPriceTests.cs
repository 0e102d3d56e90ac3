using BotBottle.Core.Harnesses;
using BotBottle.Core.Runs;

namespace BotBottle.Core.Tests.Runs;

public sealed class TokenPriceTests
{
    private static readonly Dictionary<string, TokenPrice> Prices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["codex"] = new() { InputUsdPerMTok = 1.25m, OutputUsdPerMTok = 10m, CacheReadUsdPerMTok = 0.125m },
        ["gpt-5-mini"] = new() { InputUsdPerMTok = 0.25m, OutputUsdPerMTok = 2m },
    };

    [Theory]
    [InlineData("gpt-5-mini", "codex", "0.45")]   // the model's own price
    [InlineData(null, "codex", "2.375")]         // else the harness's
    [InlineData("other-model", "codex", "2.375")]
    public void Tokens_are_priced_by_the_model_else_by_the_harness(string? model, string harness, string expected)
    {
        var price = TokenPrice.For(Prices, model, harness);

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), price!.CostOf(new HarnessUsage(1_000_000, 100_000, 1_000_000)));
    }

    [Fact]
    public void Without_a_price_nothing_is_made_up() => Assert.Null(TokenPrice.For(Prices, "llama3.2", "opencode"));
}
