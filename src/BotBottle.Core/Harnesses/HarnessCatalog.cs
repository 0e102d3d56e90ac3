using BotBottle.Core.Manifest;

namespace BotBottle.Core.Harnesses;

/// <summary>The harness that drives each <see cref="Harness"/> a manifest may declare.</summary>
public static class HarnessCatalog
{
    private static readonly IAgentHarness Claude = new ClaudeCodeHarness();
    private static readonly IAgentHarness Codex = new CodexHarness();
    private static readonly IAgentHarness OpenCode = new OpenCodeHarness();

    public static IAgentHarness For(Harness harness) => harness switch
    {
        Harness.Claude => Claude,
        Harness.Codex => Codex,
        Harness.OpenCode => OpenCode,
        _ => throw new ArgumentOutOfRangeException(nameof(harness), harness, "no harness drives this kind"),
    };
}
