using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BotBottle.Core.Backends;
using BotBottle.Core.LocalModels;
using BotBottle.Core.Manifest;
using BotBottle.Worker.Bottles;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.LocalModels;

/// <summary>What a launch adds for an agent on a local model, and why.</summary>
public sealed record ModelWiringPlan(
    RoutingDecision? Routing,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyList<string> Egress);

/// <summary>
/// Points an agent whose manifest names an Ollama model at the Ollama server: OpenCode through its
/// Ollama (OpenAI-compatible) provider, Codex through its OpenAI variables (made a provider at launch), Claude Code through
/// Ollama's Anthropic-compatible API. A task that needs more context than the local model offers
/// goes to the configured remote provider instead (the seed's hybrid rule).
/// </summary>
public sealed class LocalModelWiring(IOptions<LocalModelOptions> options, IOptions<BottleOptions> bottles, IConfiguration configuration)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public ModelWiringPlan Plan(AgentDefinition agent, string? task)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (agent.Model is not { Provider: ModelProvider.Ollama, Name: { Length: > 0 } model })
        {
            return new ModelWiringPlan(null, new Dictionary<string, string>(), new Dictionary<string, string>(), []);
        }

        var routing = ContextRouting.Choose(
            ContextRouting.EstimateRequiredContextTokens(task?.Length ?? 0),
            options.Value.ContextLength,
            model,
            Remote());
        if (routing.Target != RouteTarget.Local)
        {
            return new ModelWiringPlan(routing, RemoteEnvironment(agent.Harness), new Dictionary<string, string>(), []);
        }

        var url = BottleUrl();
        var egress = new[] { string.Create(CultureInfo.InvariantCulture, $"{url.Host}:{url.Port}") };
        return agent.Harness switch
        {
            Harness.Claude => new ModelWiringPlan(routing, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["ANTHROPIC_BASE_URL"] = url.ToString().TrimEnd('/'),
                ["ANTHROPIC_AUTH_TOKEN"] = "ollama",
                ["ANTHROPIC_MODEL"] = model,
                ["ANTHROPIC_SMALL_FAST_MODEL"] = model,
            }, new Dictionary<string, string>(), egress),
            Harness.OpenCode => new ModelWiringPlan(routing, new Dictionary<string, string>(), new Dictionary<string, string>
            {
                [".config/opencode/opencode.json"] = OpenCodeConfig(url, model),
            }, egress),
            // Codex's provider file is written at launch from these (CodexConfig), like any Codex bottle's.
            _ => new ModelWiringPlan(routing, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["OPENAI_BASE_URL"] = new Uri(url, "/v1").ToString(),
                ["OPENAI_API_KEY"] = "ollama",
            }, new Dictionary<string, string>(), egress),
        };
    }

    /// <summary>The prepared bottle with the plan's environment and files.</summary>
    public static PreparedBottle Apply(PreparedBottle bottle, ModelWiringPlan plan)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        ArgumentNullException.ThrowIfNull(plan);
        return bottle with
        {
            ExtraEnvironment = plan.Environment,
            ExtraFiles = plan.Files,
            ExtraEgress = [.. bottle.ExtraEgress, .. plan.Egress.Select(EgressRule.Parse)],
        };
    }

    /// <summary>Ollama as a bottle reaches it: a server on this host is reached through the bottle's host alias.</summary>
    private Uri BottleUrl()
    {
        var url = options.Value.Url
            ?? (configuration["services:ollama:http:0"] is { Length: > 0 } referenced ? new Uri(referenced) : new Uri("http://localhost:11434"));
        return url.IsLoopback || url.Host == "localhost"
            ? new UriBuilder(url) { Host = bottles.Value.HostAlias }.Uri
            : url;
    }

    private ModelSpec? Remote() =>
        ModelProviderNames.TryParse(options.Value.RemoteProvider, out var provider) && provider != ModelProvider.Ollama
            ? new ModelSpec(provider, options.Value.RemoteModel is { Length: > 0 } name ? name : null)
            : null;

    private Dictionary<string, string> RemoteEnvironment(Harness harness) =>
        harness == Harness.Claude && options.Value.RemoteModel is { Length: > 0 } remoteModel
            ? new Dictionary<string, string>(StringComparer.Ordinal) { ["ANTHROPIC_MODEL"] = remoteModel }
            : [];

    private static string OpenCodeConfig(Uri url, string model)
    {
        var config = new JsonObject
        {
            ["$schema"] = "https://opencode.ai/config.json",
            ["provider"] = new JsonObject
            {
                ["ollama"] = new JsonObject
                {
                    ["npm"] = "@ai-sdk/openai-compatible",
                    ["name"] = "Ollama",
                    ["options"] = new JsonObject { ["baseURL"] = new Uri(url, "/v1").ToString() },
                    ["models"] = new JsonObject { [model] = new JsonObject { ["name"] = model } },
                },
            },
            ["model"] = $"ollama/{model}",
        };
        return config.ToJsonString(Indented) + "\n";
    }
}
