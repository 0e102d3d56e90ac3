namespace BotBottle.Core.Manifest;

/// <summary>A loaded manifest. Agents keep the order they were declared in so pickers list them predictably.</summary>
public sealed record AgentManifest(string SourceName, IReadOnlyList<AgentDefinition> Agents)
{
    public IEnumerable<string> AgentKeys => Agents.Select(a => a.Key);

    public AgentDefinition? Find(string key) =>
        Agents.FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.Ordinal));

    public AgentDefinition GetAgent(string key) =>
        Find(key) ?? throw new KeyNotFoundException(
            $"agent '{key}' is not declared in {SourceName}; declared agents: {string.Join(", ", AgentKeys)}");
}
