using BotBottle.Core.Colors;
using BotBottle.Core.Labels;

namespace BotBottle.Cli.Prompts;

/// <summary>
/// The label and colour questions `start` asks on a terminal (PRD 0049): the label defaults to the
/// agent key and is asked again until it is valid; an unknown colour is said to be ignored.
/// Without a terminal nothing is asked: scripts must never block.
/// </summary>
public sealed class LabelColorPrompter(TextReader input, TextWriter prompts, bool interactive)
{
    public (string Label, string Color) Ask(string agent, string? labelGiven, string? colorGiven)
    {
        var label = labelGiven is not null ? Require(LabelRules.Validate(labelGiven, agent)) : AskLabel(agent);
        var color = colorGiven is not null ? ParseColor(colorGiven) : AskColor();
        return (label, color);
    }

    private string AskLabel(string agent)
    {
        if (!interactive)
        {
            return agent;
        }

        while (true)
        {
            prompts.Write($"botbottle: agent label [{agent}]: ");
            var answer = input.ReadLine();
            if (answer is null)
            {
                return agent;
            }

            var check = LabelRules.Validate(answer, agent);
            if (check.IsValid)
            {
                return check.Label;
            }

            prompts.WriteLine($"botbottle: {check.Error}");
        }
    }

    private string AskColor()
    {
        if (!interactive)
        {
            return AnsiColor.None;
        }

        prompts.Write("botbottle: color (red/green/blue/... or Enter to skip): ");
        return ParseColor(input.ReadLine() ?? "");
    }

    private string ParseColor(string text)
    {
        var parsed = AnsiColor.Parse(text);
        if (parsed.Warning is { } warning)
        {
            prompts.WriteLine($"botbottle: {warning}");
        }

        return parsed.Color;
    }

    private static string Require(LabelValidation check) =>
        check.IsValid ? check.Label : throw new Server.CliException(check.Error!);
}
