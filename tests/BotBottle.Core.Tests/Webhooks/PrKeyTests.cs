using BotBottle.Core.Webhooks;

namespace BotBottle.Core.Tests.Webhooks;

public sealed class PrKeyTests
{
    [Fact]
    public void Keys_differing_only_in_case_are_equal_and_share_an_id()
    {
        var a = new PrKey("Test-CI/Multi-Line-Secrets", 2);
        var b = new PrKey("test-ci/multi-line-secrets", 2);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("test-ci/multi-line-secrets#2", a.Id);
        Assert.Equal(a.Id, b.Id);
        Assert.Single(new HashSet<PrKey> { a, b });
    }

    [Fact]
    public void ToString_keeps_the_display_casing()
    {
        Assert.Equal("Test-CI/multi-line-secrets#12", new PrKey("Test-CI/multi-line-secrets", 12).ToString());
    }

    [Fact]
    public void Different_numbers_or_repositories_differ()
    {
        Assert.NotEqual(new PrKey("owner/repo", 1), new PrKey("owner/repo", 2));
        Assert.NotEqual(new PrKey("owner/repo", 1), new PrKey("owner/other", 1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("repo")]
    [InlineData("/repo")]
    [InlineData("owner/")]
    [InlineData("owner/repo/extra")]
    [InlineData("owner/re po")]
    [InlineData("owner/repo#1")]
    public void Ill_formed_full_names_are_refused(string fullName)
    {
        Assert.False(PrKey.IsValidFullName(fullName));
        Assert.Throws<ArgumentException>(() => new PrKey(fullName, 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Non_positive_numbers_are_refused(int number)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PrKey("owner/repo", number));
    }
}
