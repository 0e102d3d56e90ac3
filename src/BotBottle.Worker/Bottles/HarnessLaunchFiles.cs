using BotBottle.Core.Backends;
using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;

namespace BotBottle.Worker.Bottles;

/// <summary>
/// Files a harness needs written at every launch from the bottle's final environment (after its
/// credential was brokered): Codex's model provider, which it reads from no environment variable.
/// </summary>
public static class HarnessLaunchFiles
{
    public static PreparedBottle With(PreparedBottle bottle, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        if (bottle.Agent.Harness != Harness.Codex)
        {
            return bottle;
        }

        return bottle with
        {
            ExtraFiles = new Dictionary<string, string>(bottle.ExtraFiles, StringComparer.Ordinal)
            {
                [CodexConfig.RelativePath] = CodexConfig.For(bottle.Agent, environment),
            },
        };
    }
}
