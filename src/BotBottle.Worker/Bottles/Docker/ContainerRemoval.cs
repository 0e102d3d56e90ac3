using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Removes a container by force, whoever else is removing it: the engine answers 409 ("removal ...
/// is already in progress") when two removals meet (a Worker reclaiming a dead attempt's job while
/// the orphan sweep removes the same leftovers), and that is waited out, not failed on.
/// </summary>
internal static class ContainerRemoval
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <returns>True when this call removed it; false when it was gone already or another removal took it.</returns>
    public static async Task<bool> RemoveAsync(this IDockerClient docker, string nameOrId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(docker);
        try
        {
            await docker.Containers.RemoveContainerAsync(nameOrId, new ContainerRemoveParameters { Force = true }, cancellationToken);
            return true;
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict && ex.ResponseBody.Contains("already in progress", StringComparison.Ordinal))
        {
            await GoneAsync(docker, nameOrId, cancellationToken);
            return false;
        }
    }

    private static async Task GoneAsync(IDockerClient docker, string nameOrId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await docker.Containers.InspectContainerAsync(nameOrId, cancellationToken);
            }
            catch (DockerContainerNotFoundException)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new TimeoutException($"container {nameOrId} was still being removed after {Patience.TotalSeconds:0} s");
    }
}
