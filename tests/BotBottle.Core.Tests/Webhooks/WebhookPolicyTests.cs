using BotBottle.Core.Webhooks;

namespace BotBottle.Core.Tests.Webhooks;

public sealed class WebhookPolicyTests
{
    [Fact]
    public void Mention_defaults_to_at_login_and_can_be_overridden()
    {
        var policy = new WebhookPolicy { BotLogin = "botbottle", AgentName = "a" };

        Assert.Equal("@botbottle", policy.Mention);
        Assert.Equal("/bot", (policy with { Mention = "/bot" }).Mention);
        Assert.Equal("@botbottle", (policy with { Mention = " " }).Mention);
    }

    [Fact]
    public void Default_policy_allows_no_repository_and_lists_what_is_missing()
    {
        var policy = new WebhookPolicy();

        Assert.Empty(policy.Repositories);
        Assert.False(policy.AllowsRepository("owner/repo"));
        Assert.Equal(["the bot's Gitea login is missing", "the agent to run is missing"], policy.Validate());
    }

    [Fact]
    public void Ill_formed_repository_entries_are_reported()
    {
        var policy = new WebhookPolicy { BotLogin = "b", AgentName = "a", Repositories = ["owner/repo", "justrepo"] };

        Assert.Equal(["'justrepo' is not a repository full name (owner/name)"], policy.Validate());
        Assert.True(policy.AllowsRepository("OWNER/REPO"));
    }
}
