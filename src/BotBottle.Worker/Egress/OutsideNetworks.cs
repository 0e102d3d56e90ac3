using System.Net;
using BotBottle.Worker.Bottles.Docker;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Egress;

/// <summary>The network sidecars reach the world through, with the host's address on it.</summary>
internal sealed record OutsideNetwork(string Name, string Gateway);

/// <summary>
/// The sidecars' outside network (<see cref="EgressOptions.OutsideNetwork"/>): created on first use
/// when missing, then remembered until it is found gone.
/// </summary>
internal sealed class OutsideNetworks(IDockerClient docker, EgressOptions options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OutsideNetwork? _known;

    public void Dispose() => _gate.Dispose();

    public async Task<OutsideNetwork> GetAsync(CancellationToken cancellationToken)
    {
        if (_known is { } known)
        {
            return known;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            try
            {
                _known = await InspectAsync(cancellationToken);
            }
            catch (DockerNetworkNotFoundException)
            {
                await CreateAsync(cancellationToken);
                _known = await InspectAsync(cancellationToken);
            }

            return _known;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removed by hand since it was looked up: the next use recreates it.</summary>
    public void Forget() => _known = null;

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
            {
                Name = options.OutsideNetwork,
                Driver = "bridge",
                // Docker allows two networks of one name unless asked not to; two would make the name ambiguous.
                CheckDuplicate = true,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [DockerNames.BackendLabel] = DockerNames.Backend },
            }, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            // Another Worker on this engine created it first.
        }
    }

    private async Task<OutsideNetwork> InspectAsync(CancellationToken cancellationToken)
    {
        var network = await docker.Networks.InspectNetworkAsync(options.OutsideNetwork, cancellationToken);
        var gateway = network.IPAM?.Config?.Select(c => c.Gateway).FirstOrDefault(g => !string.IsNullOrEmpty(g)) ?? "";
        return new OutsideNetwork(network.Name, gateway);
    }
}
