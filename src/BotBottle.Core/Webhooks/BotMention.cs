using System.Text.RegularExpressions;

namespace BotBottle.Core.Webhooks;

/// <summary>
/// Whether a comment addresses the bot: the mention as a whole word, in any case. "@botbottle,",
/// "(@BotBottle)" and "@botbottle." count; "@botbottle-dev", "@botbottles", "@botbottle.eu" and
/// "me@botbottle.dev" do not, since Gitea usernames may contain '-', '_' and '.'.
/// </summary>
public static class BotMention
{
    private const string NameCharacter = @"[\p{L}\p{N}_-]";

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    public static bool IsIn(string text, string mention)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(mention);

        // Not after a name character, '.', '@' or '/' (an e-mail address, a path); not followed by a
        // name character, or by '.' and a name character (a longer name), while a full stop ending
        // the sentence is fine.
        var pattern = $@"(?<![\p{{L}}\p{{N}}_.@/-]){Regex.Escape(mention.Trim())}(?!{NameCharacter}|\.{NameCharacter})";
        return Regex.IsMatch(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
    }

    /// <summary>
    /// Whether the comment is exactly the mention and <paramref name="command"/> ("@botbottle approve",
    /// any case, any surrounding whitespace and a final full stop): a command, never a prompt that
    /// happens to contain the word.
    /// </summary>
    public static bool IsCommand(string text, string mention, string command) => IsCommand(text, mention, command, out var argument) && argument is null;

    /// <summary>
    /// As <see cref="IsCommand(string, string, string)"/>, also with one argument after the command
    /// ("@botbottle approve 07977177c2"): <paramref name="argument"/> is it, or null without one.
    /// </summary>
    public static bool IsCommand(string text, string mention, string command, out string? argument)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(mention);
        var words = text.Trim().TrimEnd('.', '!').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        argument = words.Length == 3 ? words[2] : null;
        return words.Length is 2 or 3
            && string.Equals(words[0], mention.Trim(), StringComparison.OrdinalIgnoreCase)
            && string.Equals(words[1], command, StringComparison.OrdinalIgnoreCase);
    }
}
