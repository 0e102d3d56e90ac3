namespace BotBottle.Testing;

/// <summary>One made-up credential of each kind the egress proxy scans for: shaped like the real thing, valid nowhere.</summary>
public static class CredentialSamples
{
    public static IReadOnlyList<(string Kind, string Text)> All { get; } =
    [
        ("anthropic-api-key", "x-api-key: sk-ant-api03-Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXk"),
        ("openai-api-key", "Authorization: Bearer sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"),
        ("github-token", "token ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("github-token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("gitlab-token", "PRIVATE-TOKEN: glpat-abcdefghij0123456789"),
        ("aws-access-key-id", "?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"),
        ("google-api-key", "key=AIzaSyA-abcdefghijklmnopqrstuvwxyz01234"),
        ("slack-token", "xoxb-123456789012-abcdefghijkl"),
        ("private-key", "-----BEGIN OPENSSH PRIVATE KEY-----"),
        ("private-key", "-----BEGIN PRIVATE KEY-----"),
    ];

    /// <summary>One bare secret of each kind, as an agent would paste it into a header, a URL or a body.</summary>
    public static IReadOnlyList<(string Kind, string Secret)> Secrets { get; } =
    [
        ("anthropic-api-key", "sk-ant-api03-Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXk"),
        ("openai-api-key", "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"),
        ("github-token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("gitlab-token", "glpat-abcdefghij0123456789"),
        ("aws-access-key-id", "AKIAIOSFODNN7EXAMPLE"),
        ("google-api-key", "AIzaSyA-abcdefghijklmnopqrstuvwxyz01234"),
        ("slack-token", "xoxb-123456789012-abcdefghijkl"),
        ("private-key", "-----BEGIN RSA PRIVATE KEY-----"),
    ];

    /// <summary>Request text that must pass: hashes, UUIDs, a local model's dummy token.</summary>
    public static IReadOnlyList<string> Ordinary { get; } =
    [
        "GET /repos/octo/hello/commits/3f786850e387550fdab836ed7e6dc881de23001b",
        "If-None-Match: W/\"d41d8cd98f00b204e9800998ecf8427e\"",
        "X-Request-Id: 6f1c2a4e-5b7d-4c8e-9f0a-1b2c3d4e5f60",
        "User-Agent: claude-cli/2.1.331 (external, sdk-cli)",
        "Authorization: Bearer ollama",
        "task: ask for the sk- prefix in docs",
    ];
}
