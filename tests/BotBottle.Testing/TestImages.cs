namespace BotBottle.Testing;

/// <summary>Images ./test.sh builds offline before the tests run (build/images/*.sh).</summary>
public static class TestImages
{
    /// <summary>Debian minbase with the non-root agent user: enough for every test that needs no harness.</summary>
    public const string AgentBase = "botbottle/agent-base:bookworm";

    /// <summary>The agent base plus the real Claude Code CLI.</summary>
    public const string AgentClaude = "botbottle/agent-claude:latest";

    /// <summary>The agent base plus the real OpenAI Codex CLI.</summary>
    public const string AgentCodex = "botbottle/agent-codex:latest";

    /// <summary>The agent base plus the real OpenCode CLI.</summary>
    public const string AgentOpenCode = "botbottle/agent-opencode:latest";

    /// <summary>busybox httpd, standing in for hosts on the internet in the egress tests.</summary>
    public const string TestHttpd = "botbottle/test-httpd:busybox";
}
