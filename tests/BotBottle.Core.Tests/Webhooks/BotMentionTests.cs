using BotBottle.Core.Webhooks;

namespace BotBottle.Core.Tests.Webhooks;

public sealed class BotMentionTests
{
    [Theory]
    [InlineData("@botbottle please rebase")]
    [InlineData("please rebase @botbottle")]
    [InlineData("@BotBottle, please rebase")]
    [InlineData("thanks @BOTBOTTLE.")]
    [InlineData("thanks @botbottle. Next: tests")]
    [InlineData("(@botbottle) what do you think?")]
    [InlineData("hey @botbottle: look")]
    [InlineData("line one\n@botbottle\nline three")]
    [InlineData("> quoted\n\n`@botbottle` run it")]
    [InlineData("@botbottle's suggestion")]
    public void Whole_word_mentions_count(string text)
    {
        Assert.True(BotMention.IsIn(text, "@botbottle"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("botbottle please rebase")]
    [InlineData("@botbottles please rebase")]
    [InlineData("@botbottle-dev please rebase")]
    [InlineData("@botbottle_2 please rebase")]
    [InlineData("@botbottle.eu please rebase")]
    [InlineData("mail me@botbottle.dev")]
    [InlineData("see https://gitea.example/@botbottle")]
    [InlineData("@@botbottle")]
    [InlineData("x@botbottle")]
    public void Other_names_and_addresses_do_not(string text)
    {
        Assert.False(BotMention.IsIn(text, "@botbottle"));
    }

    [Fact]
    public void Mention_text_is_matched_literally()
    {
        Assert.True(BotMention.IsIn("ping @bot.bottle now", "@bot.bottle"));
        Assert.False(BotMention.IsIn("ping @botXbottle now", "@bot.bottle"));
    }
}
