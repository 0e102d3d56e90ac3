using BotBottle.Core.Harnesses;

namespace BotBottle.Core.Runs;

/// <summary>
/// What a model's tokens cost, in USD per million, for harnesses that report tokens but no cost
/// (Codex, local models behind OpenCode): configured per model or harness, see <c>BotBottle:Prices</c>.
/// </summary>
public sealed class TokenPrice
{
    public decimal InputUsdPerMTok { get; set; }

    public decimal OutputUsdPerMTok { get; set; }

    public decimal CacheReadUsdPerMTok { get; set; }

    public decimal CacheWriteUsdPerMTok { get; set; }

    public decimal CostOf(HarnessUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return ((usage.InputTokens * InputUsdPerMTok) + (usage.OutputTokens * OutputUsdPerMTok)
            + (usage.CacheReadInputTokens * CacheReadUsdPerMTok) + (usage.CacheCreationInputTokens * CacheWriteUsdPerMTok)) / 1_000_000m;
    }

    /// <summary>
    /// The price for a run of <paramref name="model"/> (the manifest's <c>model.name</c>, when set) on
    /// <paramref name="harness"/> ("codex", "opencode", "claude"): the model's entry, else the harness's; null when neither is configured.
    /// </summary>
    public static TokenPrice? For(IReadOnlyDictionary<string, TokenPrice> prices, string? model, string harness)
    {
        ArgumentNullException.ThrowIfNull(prices);
        return model is { Length: > 0 } && prices.TryGetValue(model, out var byModel) ? byModel
            : prices.TryGetValue(harness, out var byHarness) ? byHarness
            : null;
    }
}
