namespace BotBottle.Testing;

public static class ClaudeAgentManifest
{
    /// <summary>
    /// One agent on the real Claude Code image, pointed at a scripted model server on the host. The
    /// bottle has no egress: it reaches the host only through its network's gateway alias.
    /// </summary>
    /// <param name="budget">The agent's <c>budget:</c> as flow YAML ("{ perPrUsd: 5, maxTurns: 30 }"), when it has one.</param>
    public static string For(int modelServerPort, string? budget = null) => $$"""
        agents:
          claude:
            image: {{TestImages.AgentClaude}}
            harness: claude
            prompt: "Review the workspace."
            env:
              ANTHROPIC_BASE_URL: "http://host.botbottle.internal:{{modelServerPort}}"
              ANTHROPIC_API_KEY: "sk-ant-test-not-a-real-key"
              CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1"
            limits: { memory: 2g, pids: 512 }
        """ + (budget is null ? "" : $"\n    budget: {budget}\n");
}
