using System.Text.Json;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// What one launch of a bottle created, by id: its container, its egress proxy, its network and its
/// disk. The run that launched them removes exactly these, never whatever bears the bottle's names
/// by then (another Worker may have relaunched the bottle under them).
/// </summary>
internal sealed record DockerInstance(string Container, string Proxy, string Network, string? Disk)
{
    public override string ToString() => JsonSerializer.Serialize(this);

    public static DockerInstance Parse(string instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        try
        {
            return JsonSerializer.Deserialize<DockerInstance>(instance) ?? throw new FormatException($"'{instance}' is not a Docker bottle instance");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"'{instance}' is not a Docker bottle instance", ex);
        }
    }
}
