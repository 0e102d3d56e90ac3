using BotBottle.Core.State;

namespace BotBottle.Worker.Bottles;

public sealed class BottleOptions
{
    public const string Section = "BotBottle";

    /// <summary>Root of the per-bottle state directories.</summary>
    public string StateRoot { get; set; } = Core.State.StateRoot.Default();

    /// <summary>The agent manifest file.</summary>
    public string ManifestPath { get; set; } = "manifests/agents.yaml";

    /// <summary>Docker engine endpoint; empty means the platform default (the local socket).</summary>
    public string DockerEndpoint { get; set; } = "";

    /// <summary>
    /// Name under which a bottle reaches the host (its network's gateway), for model servers and
    /// proxies the operator runs there.
    /// </summary>
    public string HostAlias { get; set; } = "host.botbottle.internal";

    /// <summary>Address pool the per-bottle networks are carved from; pick one no other network on the host uses.</summary>
    public string NetworkPool { get; set; } = "10.213.0.0/16";

    /// <summary>Prefix length of each bottle's subnet within <see cref="NetworkPool"/>.</summary>
    public int NetworkPrefixLength { get; set; } = 28;

    /// <summary>Isolated networks kept ready so a launch need not create one.</summary>
    public int WarmNetworks { get; set; } = 2;

    /// <summary>Size of the tmpfs each bottle gets at /tmp (it counts against the bottle's memory).</summary>
    public string TmpSize { get; set; } = "256m";

    /// <summary>The container log of every bottle and proxy is rotated at this size ...</summary>
    public string LogMaxSize { get; set; } = "10m";

    /// <summary>... keeping this many files, so an agent that prints without end cannot fill the host's disk.</summary>
    public int LogMaxFiles { get; set; } = 3;

    /// <summary>Bounds on agent output: line length, memory, events and log files (<c>BotBottle:Output</c>).</summary>
    public OutputLimitOptions Output { get; set; } = new();

    /// <summary>Default and maximum resource limits (<c>BotBottle:Limits</c>).</summary>
    public LimitOptions Limits { get; set; } = new();

    /// <summary>Extra environment for every bottle (API keys and the like); values are never logged.</summary>
    public Dictionary<string, string> AgentEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>How long copying a bottle's workspace and transcript out may take after a run.</summary>
    public TimeSpan SnapshotTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long removing a run's bottle is retried while the engine does not answer (it may be restarting).</summary>
    public TimeSpan TeardownPatience { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How often the bottle list is checked against the engine and dead Workers' leftovers are swept.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The Docker runtime gVisor bottles run under: runsc, registered with the engine with
    /// <c>--network=none</c> and <c>--host-uds=open</c> (see the README). When the engine has no runtime of
    /// this name, only the docker backend is offered.
    /// </summary>
    public string GvisorRuntime { get; set; } = "runsc";

    /// <summary>How long a launch waits for a gVisor bottle's relays to its egress proxy to listen.</summary>
    public TimeSpan RelayReadyTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a harness run may take before it is stopped.</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(60);
}
