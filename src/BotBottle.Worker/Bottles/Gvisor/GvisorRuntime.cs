using BotBottle.Core.Backends;
using Docker.DotNet;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Bottles.Gvisor;

/// <summary>
/// Whether the engine can run gVisor bottles: it must have the runtime <see cref="BottleOptions.GvisorRuntime"/>
/// registered. Asked when the Worker starts (to offer the backend or say why not) and before each
/// gVisor launch (the engine's configuration can change under a running Worker).
/// </summary>
public sealed class GvisorRuntime(IDockerClient docker, IOptions<BottleOptions> options)
{
    public string Name => options.Value.GvisorRuntime;

    /// <summary>Null when gVisor bottles can run here, else why not, with what to do.</summary>
    public async Task<string?> UnavailableReasonAsync(CancellationToken cancellationToken)
    {
        try
        {
            var info = await docker.System.GetSystemInfoAsync(cancellationToken);
            return info.Runtimes?.ContainsKey(Name) == true
                ? null
                : $"the Docker engine has no '{Name}' runtime registered: install gVisor (apt-get install runsc) and register it in /etc/docker/daemon.json with the runtime arguments --network=none and --host-uds=open, then reload dockerd (SIGHUP); ./test.sh does this";
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or TimeoutException)
        {
            return $"the Docker engine did not answer whether it has the '{Name}' runtime: {ex.Message}";
        }
    }

    /// <summary>Throws with the reason when a bottle of <paramref name="backend"/> cannot run here.</summary>
    public async Task RequireAsync(BackendKind backend, CancellationToken cancellationToken)
    {
        if (backend == BackendKind.Gvisor && await UnavailableReasonAsync(cancellationToken) is { } reason)
        {
            throw new InvalidOperationException($"the gvisor backend is not available on this Worker: {reason}");
        }
    }
}
