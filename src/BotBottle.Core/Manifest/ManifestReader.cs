using System.Globalization;
using System.Text.RegularExpressions;
using BotBottle.Core.Backends;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Core.Manifest;

/// <summary>
/// Walks a parsed YAML tree and turns it into an <see cref="AgentManifest"/>, collecting every
/// problem with its position instead of stopping at the first one.
/// </summary>
internal sealed partial class ManifestReader(string sourceName)
{
    private static readonly string[] TopLevelKeys = ["agents"];
    private static readonly string[] AgentKeys = ["image", "harness", "prompt", "egress", "tlsPorts", "env", "limits", "model", "budget", "backend"];

    private static readonly string[] BudgetKeys = ["perRunUsd", "perPrUsd", "perDayUsd", "maxTurns"];
    private static readonly string[] LimitKeys = ["memory", "cpus", "pids", "disk"];
    private static readonly string[] ModelKeys = ["provider", "name"];

    public const int MaxAgentKeyLength = 40;

    private readonly List<ManifestError> _errors = [];

    public AgentManifest Read(YamlStream stream)
    {
        var agents = ReadDocument(stream);
        if (_errors.Count > 0)
        {
            // Problems are found field by field; report them in file order so they read top to bottom.
            throw new ManifestException([.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }

        return new AgentManifest(sourceName, agents);
    }

    public static bool IsValidAgentKey(string key) => AgentKeyPattern().IsMatch(key);

    private List<AgentDefinition> ReadDocument(YamlStream stream)
    {
        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
        {
            AddError(1, 1, "manifest is empty; expected a top-level 'agents' mapping");
            return [];
        }

        if (stream.Documents.Count > 1)
        {
            AddError(stream.Documents[1].RootNode, "manifest has more than one YAML document; put all agents under one 'agents' mapping");
        }

        if (AsMapping(stream.Documents[0].RootNode, "manifest") is not { } root)
        {
            return [];
        }

        CheckKeys(root, "the top level", TopLevelKeys);
        if (Child(root, "agents") is not { } agentsNode)
        {
            AddError(root, "missing top-level 'agents' mapping");
            return [];
        }

        if (IsNull(agentsNode) || agentsNode is YamlMappingNode { Children.Count: 0 })
        {
            AddError(agentsNode, "'agents' is empty; declare at least one agent");
            return [];
        }

        return AsMapping(agentsNode, "'agents'") is { } agents ? ReadAgents(agents) : [];
    }

    private List<AgentDefinition> ReadAgents(YamlMappingNode agents)
    {
        var result = new List<AgentDefinition>();
        foreach (var (keyNode, body) in agents.Children)
        {
            var key = ScalarText(keyNode);
            if (key is null || !IsValidAgentKey(key))
            {
                AddError(keyNode, $"invalid agent key '{key ?? keyNode.ToString()}'; use 1-{MaxAgentKeyLength} lowercase letters, digits, '-' or '_'");
                continue;
            }

            if (ReadAgent(key, body) is { } agent)
            {
                result.Add(agent);
            }
        }

        return result;
    }

    private AgentDefinition? ReadAgent(string key, YamlNode body)
    {
        var path = $"agents.{key}";
        if (AsMapping(body, path) is not { } agent)
        {
            return null;
        }

        var errorsBefore = _errors.Count;
        CheckKeys(agent, path, AgentKeys);
        var image = RequiredString(agent, "image", path);
        var harness = ReadHarness(agent, path);
        var prompt = OptionalString(agent, "prompt", path) ?? "";
        var egress = ReadEgress(agent, path);
        var tlsPorts = ReadTlsPorts(agent, path);
        var env = ReadEnvironment(agent, path);
        var limits = ReadLimits(agent, path);
        var model = ReadModel(agent, path);
        var budget = ReadBudget(agent, path);
        var backend = ReadBackend(agent, path);

        return _errors.Count > errorsBefore || image is null || harness is null
            ? null
            : new AgentDefinition(key, image, harness.Value, prompt, egress, env, limits, model) { TlsPorts = tlsPorts, Budget = budget, Backend = backend };
    }

    /// <summary>The ports a bottle may open a TLS tunnel (CONNECT) to: 443 and the ones listed.</summary>
    private List<int> ReadTlsPorts(YamlMappingNode agent, string path)
    {
        var ports = new List<int> { AgentDefinition.DefaultTlsPort };
        foreach (var (entry, text) in ListEntries(agent, "tlsPorts", path, "a list of ports, e.g. [443, 8443]"))
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
            {
                if (!ports.Contains(port))
                {
                    ports.Add(port);
                }
            }
            else
            {
                AddError(entry, $"{path}.tlsPorts: '{text}' is not a port; ports are 1-65535");
            }
        }

        return ports;
    }

    /// <summary>
    /// The entries of the list under <paramref name="key"/>, each with its scalar text (null for an
    /// entry that is not a scalar); nothing when the key is absent or null, an error when it is not a list.
    /// </summary>
    private IEnumerable<(YamlNode Entry, string? Text)> ListEntries(YamlMappingNode parent, string key, string path, string expected)
    {
        if (Child(parent, key) is not { } node || IsNull(node))
        {
            yield break;
        }

        if (node is not YamlSequenceNode entries)
        {
            AddError(node, $"{path}.{key}: expected {expected}");
            yield break;
        }

        foreach (var entry in entries.Children)
        {
            yield return (entry, ScalarText(entry));
        }
    }

    private Harness? ReadHarness(YamlMappingNode agent, string path)
    {
        if (RequiredString(agent, "harness", path) is not { } name)
        {
            return null;
        }

        if (HarnessNames.TryParse(name, out var harness))
        {
            return harness;
        }

        AddError(Child(agent, "harness")!, $"{path}.harness: unknown harness '{name}'; expected one of: {string.Join(", ", HarnessNames.All)}");
        return null;
    }

    private BackendKind ReadBackend(YamlMappingNode agent, string path)
    {
        var name = OptionalString(agent, "backend", path);
        if (name is null)
        {
            return BackendKind.Docker;
        }

        if (BackendNames.TryParse(name, out var backend))
        {
            return backend;
        }

        AddError(Child(agent, "backend")!, $"{path}.backend: unknown backend '{name}'; expected one of: {string.Join(", ", BackendNames.All)}");
        return BackendKind.Docker;
    }

    private List<EgressRule> ReadEgress(YamlMappingNode agent, string path)
    {
        var rules = new List<EgressRule>();
        foreach (var (entry, text) in ListEntries(agent, "egress", path, "a list of hosts"))
        {
            if (text is null)
            {
                AddError(entry, $"{path}.egress: each entry must be a host name, address or network, e.g. api.github.com, \"*.github.com:443\" or 10.0.5.0/24");
            }
            else if (EgressRule.TryParse(text, out var rule, out var error))
            {
                rules.Add(rule);
            }
            else
            {
                AddError(entry, $"{path}.egress: {error}");
            }
        }

        return rules;
    }

    private Dictionary<string, string> ReadEnvironment(YamlMappingNode agent, string path)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(agent, "env") is not { } node || IsNull(node) || AsMapping(node, $"{path}.env") is not { } mapping)
        {
            return env;
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var name = ScalarText(keyNode);
            if (name is null || !EnvironmentNamePattern().IsMatch(name))
            {
                AddError(keyNode, $"{path}.env: invalid variable name '{name ?? keyNode.ToString()}'; use letters, digits and '_', not starting with a digit");
                continue;
            }

            if (IsNull(valueNode))
            {
                env[name] = "";
            }
            else if (ScalarText(valueNode) is { } value)
            {
                env[name] = value;
            }
            else
            {
                AddError(valueNode, $"{path}.env.{name}: expected a single value, not a list or mapping");
            }
        }

        return env;
    }

    private ResourceLimits ReadLimits(YamlMappingNode agent, string path)
    {
        var limitsPath = $"{path}.limits";
        if (Child(agent, "limits") is not { } node || IsNull(node) || AsMapping(node, limitsPath) is not { } limits)
        {
            return ResourceLimits.None;
        }

        CheckKeys(limits, limitsPath, LimitKeys);
        return new ResourceLimits(
            ReadSize(limits, limitsPath, "memory"),
            ReadCpus(limits, limitsPath),
            ReadPids(limits, limitsPath),
            ReadSize(limits, limitsPath, "disk"));
    }

    private AgentBudget ReadBudget(YamlMappingNode agent, string path)
    {
        var budgetPath = $"{path}.budget";
        if (Child(agent, "budget") is not { } node || IsNull(node) || AsMapping(node, budgetPath) is not { } budget)
        {
            return AgentBudget.None;
        }

        CheckKeys(budget, budgetPath, BudgetKeys);
        int? maxTurns = null;
        if (OptionalString(budget, "maxTurns", budgetPath) is { } turns)
        {
            if (int.TryParse(turns, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
            {
                maxTurns = parsed;
            }
            else
            {
                AddError(Child(budget, "maxTurns")!, $"{budgetPath}.maxTurns: invalid turn count '{turns}'; use a positive whole number such as 30");
            }
        }

        return new AgentBudget(ReadUsd(budget, budgetPath, "perRunUsd"), ReadUsd(budget, budgetPath, "perPrUsd"), ReadUsd(budget, budgetPath, "perDayUsd"), maxTurns);
    }

    private decimal? ReadUsd(YamlMappingNode budget, string path, string key)
    {
        if (OptionalString(budget, key, path) is not { } text)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var usd) && usd > 0)
        {
            return usd;
        }

        AddError(Child(budget, key)!, $"{path}.{key}: invalid amount '{text}'; use a positive number of US dollars such as 2.50");
        return null;
    }

    private long? ReadSize(YamlMappingNode limits, string path, string key)
    {
        if (OptionalString(limits, key, path) is not { } text)
        {
            return null;
        }

        if (MemorySize.TryParse(text, out var bytes) && bytes > 0)
        {
            return bytes;
        }

        AddError(Child(limits, key)!, $"{path}.{key}: invalid {key} size '{text}'; {MemorySize.Hint}");
        return null;
    }

    private double? ReadCpus(YamlMappingNode limits, string path)
    {
        if (OptionalString(limits, "cpus", path) is not { } text)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus)
            && cpus > 0 && double.IsFinite(cpus))
        {
            return cpus;
        }

        AddError(Child(limits, "cpus")!, $"{path}.cpus: invalid cpu count '{text}'; use a positive number such as 1 or 1.5");
        return null;
    }

    private int? ReadPids(YamlMappingNode limits, string path)
    {
        if (OptionalString(limits, "pids", path) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pids) && pids > 0)
        {
            return pids;
        }

        AddError(Child(limits, "pids")!, $"{path}.pids: invalid process limit '{text}'; use a positive whole number such as 256");
        return null;
    }

    private ModelSpec? ReadModel(YamlMappingNode agent, string path)
    {
        var modelPath = $"{path}.model";
        if (Child(agent, "model") is not { } node || IsNull(node) || AsMapping(node, modelPath) is not { } model)
        {
            return null;
        }

        CheckKeys(model, modelPath, ModelKeys);
        var name = OptionalString(model, "name", modelPath);
        if (RequiredString(model, "provider", modelPath) is not { } providerName)
        {
            return null;
        }

        if (ModelProviderNames.TryParse(providerName, out var provider))
        {
            return new ModelSpec(provider, name);
        }

        AddError(Child(model, "provider")!, $"{modelPath}.provider: unknown model provider '{providerName}'; expected one of: {string.Join(", ", ModelProviderNames.All)}");
        return null;
    }

    private string? RequiredString(YamlMappingNode mapping, string key, string path)
    {
        var node = Child(mapping, key);
        if (node is null || IsNull(node) || node is YamlScalarNode { Value: "" })
        {
            AddError(node ?? mapping, $"{path}: missing {key}");
            return null;
        }

        return OptionalString(mapping, key, path);
    }

    private string? OptionalString(YamlMappingNode mapping, string key, string path)
    {
        var node = Child(mapping, key);
        if (node is null || IsNull(node))
        {
            return null;
        }

        if (ScalarText(node) is { } text)
        {
            return text;
        }

        AddError(node, $"{path}.{key}: expected a single value, not a list or mapping");
        return null;
    }

    private void CheckKeys(YamlMappingNode mapping, string where, string[] allowed)
    {
        foreach (var keyNode in mapping.Children.Keys)
        {
            var key = ScalarText(keyNode);
            if (key is null || !allowed.Contains(key, StringComparer.Ordinal))
            {
                AddError(keyNode, $"unknown key '{key ?? keyNode.ToString()}' in {where}; expected one of: {string.Join(", ", allowed)}");
            }
        }
    }

    private YamlMappingNode? AsMapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        AddError(node, $"{what}: expected a mapping of key: value pairs");
        return null;
    }

    private static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? ScalarText(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value ?? "" : null;

    /// <summary>YAML spells "nothing" as an empty plain scalar, "~" or "null".</summary>
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private void AddError(YamlNode node, string message) => AddError(node.Start.Line, node.Start.Column, message);

    private void AddError(long line, long column, string message) =>
        _errors.Add(new ManifestError(sourceName, line, column, message));

    [GeneratedRegex("^[a-z0-9_-]{1,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex AgentKeyPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentNamePattern();
}
