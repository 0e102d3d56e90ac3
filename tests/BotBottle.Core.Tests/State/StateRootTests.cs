using BotBottle.Core.State;

namespace BotBottle.Core.Tests.State;

public sealed class StateRootTests
{
    [Fact]
    public void State_root_sits_under_dot_bot_bottle_in_the_home_directory()
    {
        Assert.Equal(Path.Combine("/home/alice", ".bot-bottle", "state"), StateRoot.UnderHome("/home/alice"));
    }

    [Fact]
    public void Default_state_root_follows_the_home_environment_variable()
    {
        var home = Environment.GetEnvironmentVariable("HOME");
        Assert.False(string.IsNullOrWhiteSpace(home), "test needs HOME set, as it is on Linux and macOS");

        Assert.Equal(Path.Combine(home, ".bot-bottle", "state"), StateRoot.Default());
    }

    [Fact]
    public void Blank_home_is_refused()
    {
        Assert.Throws<ArgumentException>(() => StateRoot.UnderHome(" "));
    }
}
