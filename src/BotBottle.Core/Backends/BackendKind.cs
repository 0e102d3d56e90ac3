namespace BotBottle.Core.Backends;

/// <summary>
/// How a bottle is isolated from its host. Both run on the Docker engine with the same state,
/// metadata, egress sidecar and lifecycle; they differ in the kernel the agent talks to and in how
/// its traffic leaves.
/// </summary>
public enum BackendKind
{
    /// <summary>A container (runc) on its own internal network; the sidecar is its only way out.</summary>
    Docker,

    /// <summary>A gVisor sandbox (runsc): a user-space kernel between the agent and the host, no network device, a Unix socket to the sidecar.</summary>
    Gvisor,
}

public static class BackendNames
{
    public const string Docker = "docker";

    public const string Gvisor = "gvisor";

    private static readonly Dictionary<string, BackendKind> ByName = new(StringComparer.Ordinal)
    {
        [Docker] = BackendKind.Docker,
        [Gvisor] = BackendKind.Gvisor,
    };

    /// <summary>The spellings accepted in a manifest, the API and the CLI, in display order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. ByName.Keys];

    public static bool TryParse(string? name, out BackendKind backend) =>
        ByName.TryGetValue(name ?? "", out backend);

    public static string ToName(this BackendKind backend) => backend switch
    {
        BackendKind.Docker => Docker,
        BackendKind.Gvisor => Gvisor,
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "unknown backend"),
    };
}
