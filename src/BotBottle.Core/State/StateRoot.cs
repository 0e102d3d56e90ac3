namespace BotBottle.Core.State;

/// <summary>Where bottle state directories live unless configured otherwise: <c>~/.bot-bottle/state</c>.</summary>
public static class StateRoot
{
    public static string Default()
    {
        // HOME first, as the prototype did, so a state root can be redirected the same way in both.
        var home = Environment.GetEnvironmentVariable("HOME");
        if (string.IsNullOrWhiteSpace(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return string.IsNullOrWhiteSpace(home)
            ? throw new InvalidOperationException("cannot find the home directory for the default state root; set HOME or configure a state root")
            : UnderHome(home);
    }

    public static string UnderHome(string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        return Path.Combine(home, ".bot-bottle", "state");
    }
}
