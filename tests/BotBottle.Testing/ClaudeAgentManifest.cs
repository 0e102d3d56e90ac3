namespace BotBottle.Testing;

public static class ClaudeAgentManifest
{
    /// <summary>
    /// One agent on the real Claude Code image, pointed at a scripted model server on the host. The
    /// bottle has no egress: it reaches the host only through its network's gateway alias.
    /// </summary>
    public static string For(int modelServerPort) => $$"""
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
        """;
}
