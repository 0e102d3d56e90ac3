using BotBottle.Core.LocalModels;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Tests.LocalModels;

public sealed class ContextRoutingTests
{
    private const string Local = "qwen2.5-coder:7b";
    private static readonly ModelSpec Remote = new(ModelProvider.Anthropic, "claude-sonnet-4-5");

    [Fact]
    public void A_task_within_the_local_context_stays_local()
    {
        var decision = ContextRouting.Choose(40_000, OllamaContext.RecommendedContextLength, Local, Remote);

        Assert.Equal(RouteTarget.Local, decision.Target);
        Assert.Equal(new ModelSpec(ModelProvider.Ollama, Local), decision.Model);
        Assert.Contains("within the 64K of qwen2.5-coder:7b", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_task_needing_exactly_the_local_context_stays_local()
    {
        Assert.Equal(RouteTarget.Local, ContextRouting.Choose(65536, 65536, Local, Remote).Target);
    }

    [Fact]
    public void A_task_needing_more_than_the_local_context_goes_to_the_remote_provider()
    {
        var decision = ContextRouting.Choose(65537, 65536, Local, Remote);

        Assert.Equal(RouteTarget.Remote, decision.Target);
        Assert.Same(Remote, decision.Model);
        Assert.Equal(
            "the task needs about 65,537 tokens of context, more than the 64K that qwen2.5-coder:7b is configured for; " +
            "using anthropic claude-sonnet-4-5",
            decision.Reason);
    }

    [Fact]
    public void A_local_model_left_at_ollamas_default_context_sends_agent_tasks_remote_and_says_to_raise_num_ctx()
    {
        var required = ContextRouting.EstimateRequiredContextTokens(2_000);

        var decision = ContextRouting.Choose(required, OllamaContext.DefaultContextLength, Local, Remote);

        Assert.Equal(RouteTarget.Remote, decision.Target);
        Assert.Contains("raise its num_ctx to at least 64K", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Very_long_context_goes_remote_even_when_the_local_model_could_hold_it()
    {
        var decision = ContextRouting.Choose(200_000, 262_144, Local, Remote);

        Assert.Equal(RouteTarget.Remote, decision.Target);
        Assert.Contains("beyond the 128K long-context threshold", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_long_context_threshold_itself_still_stays_local()
    {
        Assert.Equal(RouteTarget.Local, ContextRouting.Choose(131_072, 262_144, Local, Remote).Target);
        Assert.Equal(RouteTarget.Remote, ContextRouting.Choose(131_073, 262_144, Local, Remote).Target);
    }

    [Fact]
    public void A_configured_threshold_replaces_the_128k_default()
    {
        var decision = ContextRouting.Choose(40_000, 65_536, Local, Remote, longContextThresholdTokens: 32_768);

        Assert.Equal(RouteTarget.Remote, decision.Target);
        Assert.Contains("beyond the 32K long-context threshold", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_remote_provider_a_task_too_big_for_the_local_model_cannot_be_routed()
    {
        var decision = ContextRouting.Choose(100_000, 65_536, Local, remote: null);

        Assert.Equal(RouteTarget.None, decision.Target);
        Assert.Null(decision.Model);
        Assert.EndsWith("and no remote provider is configured", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_remote_provider_very_long_context_the_local_model_can_hold_stays_local()
    {
        var decision = ContextRouting.Choose(200_000, 262_144, Local, remote: null);

        Assert.Equal(RouteTarget.Local, decision.Target);
        Assert.Contains("no remote provider is configured; staying on qwen2.5-coder:7b", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_remote_provider_without_a_model_name_is_described_by_provider()
    {
        var decision = ContextRouting.Choose(100_000, 65_536, Local, new ModelSpec(ModelProvider.OpenAI));

        Assert.EndsWith("using openai", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 12_000)]
    [InlineData(1, 12_001)]
    [InlineData(4, 12_001)]
    [InlineData(5, 12_002)]
    [InlineData(200_000, 62_000)]
    [InlineData(600_000, 162_000)]
    public void Required_context_is_prompt_characters_over_four_rounded_up_plus_the_agent_overhead(int characters, int expected)
    {
        Assert.Equal(expected, ContextRouting.EstimateRequiredContextTokens(characters));
    }

    [Fact]
    public void The_agent_overhead_alone_is_more_than_ollamas_default_context_but_the_recommended_one_holds_a_large_prompt()
    {
        Assert.True(ContextRouting.EstimateRequiredContextTokens(0) > OllamaContext.DefaultContextLength);
        Assert.True(ContextRouting.EstimateRequiredContextTokens(200_000) <= OllamaContext.RecommendedContextLength);
    }

    [Fact]
    public void A_huge_prompt_is_estimated_past_the_threshold_and_routed_remote()
    {
        var required = ContextRouting.EstimateRequiredContextTokens(600_000);

        Assert.Equal(RouteTarget.Remote, ContextRouting.Choose(required, 262_144, Local, Remote).Target);
    }

    [Fact]
    public void Invalid_inputs_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ContextRouting.EstimateRequiredContextTokens(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContextRouting.Choose(0, 65_536, Local, Remote));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContextRouting.Choose(1_000, 0, Local, Remote));
        Assert.Throws<ArgumentException>(() => ContextRouting.Choose(1_000, 65_536, " ", Remote));
    }
}
