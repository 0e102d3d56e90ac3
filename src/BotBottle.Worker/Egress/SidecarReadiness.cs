using BotBottle.Worker.Bottles.Docker;
using Docker.DotNet;

namespace BotBottle.Worker.Egress;

/// <summary>
/// Whether a sidecar's Squid listens, read from its log: Squid says so once it listens, and polling
/// the log avoids needing a route to the bottle's network (the host has none: the bridge carries no
/// host address).
/// </summary>
internal sealed class SidecarReadiness(IDockerClient docker, EgressOptions options)
{
    /// <summary>Waits until Squid in <paramref name="name"/> has said it listens more than <paramref name="alreadyListening"/> times.</summary>
    public Task WaitUntilListeningAsync(string name, int alreadyListening, CancellationToken cancellationToken) =>
        docker.WaitForAsync(
            name,
            log => ListeningCount(log) > alreadyListening,
            options.ReadyTimeout,
            (code, lines) => $"the egress proxy {name} exited ({code}): {lines}",
            $"the egress proxy {name} did not start listening within {options.ReadyTimeout.TotalSeconds:0} s",
            cancellationToken);

    /// <summary>How often Squid in <paramref name="name"/> has said it listens so far.</summary>
    public async Task<int> ListeningCountAsync(string name, CancellationToken cancellationToken) =>
        ListeningCount(await docker.StderrAsync(name, cancellationToken));

    /// <summary>How often Squid said it listens ("Accepting HTTP Socket connections", or "Accepting SSL bumped ..." when inspecting).</summary>
    private static int ListeningCount(string log) =>
        log.Split('\n').Count(line => line.Contains("| Accepting ", StringComparison.Ordinal) && line.Contains("HTTP Socket connections at", StringComparison.Ordinal));
}
