using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Tests.Support;

/// <summary>
/// A container on the egress sidecars' outside network, answering under host names of its own:
/// what a host on the internet is to a bottle, in the egress tests.
/// </summary>
public sealed class StandInServer(IDockerClient docker, string network, string name)
{
    /// <summary>Creates the network when missing, replaces any earlier server of this name, starts this one.</summary>
    public async Task<EndpointSettings> StartAsync(string image, IList<string> command, IList<string> aliases, IList<string>? environment = null)
    {
        await RemoveAsync();
        try
        {
            await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = network, Driver = "bridge", CheckDuplicate = true });
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }

        await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = image,
            Cmd = command,
            Env = environment ?? [],
            HostConfig = new HostConfig { NetworkMode = network },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new() { Aliases = aliases } },
            },
        });
        await docker.Containers.StartContainerAsync(name, new ContainerStartParameters());
        return (await docker.Containers.InspectContainerAsync(name)).NetworkSettings.Networks[network];
    }

    public async Task RemoveAsync()
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters { Force = true });
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }
}
