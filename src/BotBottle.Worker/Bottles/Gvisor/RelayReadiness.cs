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
    public async Task WaitAsync(string container, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var log = await docker.StderrAsync(container, limit.Token);
                if (log.Contains(EgressSockets.ReadyLine, StringComparison.Ordinal))
                {
                    return;
                }

                var state = (await docker.Containers.InspectContainerAsync(container, limit.Token)).State;
                if (state is { Running: false })
                {
                    throw new InvalidOperationException($"the bottle {container} exited ({state.ExitCode}) before its relays to the egress proxy listened: {ContainerLogs.LastLines(log)}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(25), limit.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the relays of bottle {container} to its egress proxy did not listen within {timeout.TotalSeconds:0} s");
        }
    }
}
