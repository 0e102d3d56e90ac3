using Docker.DotNet;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>A Worker that cannot reach its Docker engine cannot run a single bottle: it is unhealthy.</summary>
public sealed class DockerHealthCheck(IDockerClient docker) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await docker.System.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy("the Docker engine does not answer", ex);
        }
    }
}
