using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Egress;
using Docker.DotNet;

namespace BotBottle.Worker.Bottles.Gvisor;

/// <summary>
/// Waits until a gVisor bottle's loopback relays to its sidecar listen (the bottle says so on its
/// standard error, see <see cref="EgressSockets.BottleCommand"/>), so the harness never starts
/// before its proxy is reachable; a bottle that exited instead says why.
/// </summary>
internal sealed class RelayReadiness(IDockerClient docker, TimeSpan timeout)
{
    public Task WaitAsync(string container, CancellationToken cancellationToken) =>
        docker.WaitForAsync(
            container,
            log => log.Contains(EgressSockets.ReadyLine, StringComparison.Ordinal),
            timeout,
            (code, lines) => $"the bottle {container} exited ({code}) before its relays to the egress proxy listened: {lines}",
            $"the relays of bottle {container} to its egress proxy did not listen within {timeout.TotalSeconds:0} s",
            cancellationToken);
}
