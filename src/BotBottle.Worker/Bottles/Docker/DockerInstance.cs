namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// What one launch of a bottle created on the engine, by id: its container, its egress proxy and its
/// network. The run that launched them removes exactly these, never whatever bears the bottle's
/// names by then (another Worker may have relaunched the bottle under them).
/// </summary>
internal sealed record DockerInstance(string Container, string Proxy, string Network)
{
    public override string ToString() => $"{Container}/{Proxy}/{Network}";

    public static DockerInstance Parse(string instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var parts = instance.Split('/');
        return parts.Length == 3
            ? new DockerInstance(parts[0], parts[1], parts[2])
            : throw new FormatException($"'{instance}' is not a Docker bottle instance");
    }
}
