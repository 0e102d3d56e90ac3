using System.Globalization;
using System.Text;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Harnesses;

/// <summary>
/// Codex reads its model API only from a model provider in <c>$CODEX_HOME/config.toml</c> (it ignores
/// <c>OPENAI_BASE_URL</c>, and its built-in OpenAI provider also tries a WebSocket transport). So every
/// Codex bottle gets a provider of its own at launch, written after the transcript snapshot is
/// restored so it always names this launch's address: the Responses API at the bottle's
/// <c>OPENAI_BASE_URL</c> (its egress sidecar once the credential is brokered, or a local model
/// server), the key read from <c>OPENAI_API_KEY</c> (the placeholder), and the manifest's model.
/// </summary>
public static class CodexConfig
{
    /// <summary>Where Codex reads it, relative to the agent's home (<c>CODEX_HOME</c> is <c>~/.codex</c>).</summary>
    public const string RelativePath = ".codex/config.toml";

    /// <summary>The provider's id in the file.</summary>
    public const string ProviderId = "botbottle";

    /// <summary>The file for <paramref name="agent"/>, from the bottle's final <paramref name="environment"/>.</summary>
    public static string For(AgentDefinition agent, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var baseUrl = CredentialBroker.ApiOrigin(Harness.Codex, environment);
        var config = new StringBuilder();
        config.AppendLine("# Written by BotBottle at every launch; changes made inside the bottle do not last.");
        if (agent.Model?.Name is { Length: > 0 } model)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"model = {Quote(model)}");
        }

        config.AppendLine(CultureInfo.InvariantCulture, $"model_provider = {Quote(ProviderId)}");
        config.AppendLine();
        config.AppendLine(CultureInfo.InvariantCulture, $"[model_providers.{ProviderId}]");
        config.AppendLine("name = \"BotBottle egress\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"base_url = {Quote(baseUrl.ToString().TrimEnd('/'))}");
        config.AppendLine(CultureInfo.InvariantCulture, $"env_key = {Quote(HarnessCredentials.For(Harness.Codex)[0].Variable)}");
        config.AppendLine("wire_api = \"responses\"");
        return config.ToString();
    }

    /// <summary>A TOML basic string: quotes, backslashes and control characters escaped.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var quoted = new StringBuilder("\"", value.Length + 2);
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                < ' ' or '\u007f' => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }
}
