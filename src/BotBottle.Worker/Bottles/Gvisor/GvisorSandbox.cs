using BotBottle.Worker.Egress;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Bottles.Gvisor;

/// <summary>
/// What makes a bottle a gVisor one: the runtime (a user-space kernel between the agent and the
/// host), no network device (Docker's "none": loopback only), and the socket directory shared with
/// its sidecar, mounted read-only, with the relays that lead there as the bottle's command.
/// </summary>
/// <param name="Runtime">The engine's name for runsc (<see cref="BottleOptions.GvisorRuntime"/>).</param>
/// <param name="Sockets">The host directory of the sockets (<see cref="EgressSockets.HostDirectory"/>).</param>
public sealed record GvisorSandbox(string Runtime, string Sockets, EgressOptions Egress)
{
    /// <summary>The container of a bottle on a network, turned into a gVisor one.</summary>
    public CreateContainerParameters Apply(CreateContainerParameters spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Cmd = EgressSockets.BottleCommand(Egress);
        spec.NetworkingConfig = null;
        var host = spec.HostConfig;
        host.Runtime = Runtime;
        host.NetworkMode = "none";
        // No network device, no IPv6 to turn off (and gVisor has no such sysctls).
        host.Sysctls = null;
        host.Mounts = [.. host.Mounts ?? [], new Mount { Type = "bind", Source = Sockets, Target = EgressSockets.MountPath, ReadOnly = true }];
        // The host's pids limit counts gVisor's own threads and, on its ptrace platform, a host
        // process per agent thread besides: the agent's processes get about half of it.
        host.PidsLimit = PidsLimit(host.PidsLimit);
        return spec;
    }

    /// <summary>The host's pids limit for a sandbox whose agent may have <paramref name="agentPids"/> processes.</summary>
    public static long? PidsLimit(long? agentPids) => agentPids is { } pids and > 0 ? (pids * 2) + SandboxThreads : null;

    /// <summary>What gVisor's kernel itself runs as host threads, whatever the agent does.</summary>
    private const long SandboxThreads = 128;
}
