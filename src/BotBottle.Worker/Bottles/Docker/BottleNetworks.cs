using System.Collections.Concurrent;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// The per-bottle networks, all internal (no route out). Creating a bridge costs a good part of
/// starting the container itself, so a few are kept ready and a launch takes one; the pool refills
/// in the background. Every network gets its own small subnet.
/// </summary>
public sealed partial class BottleNetworks(
    IDockerClient docker,
    BottleOptions options,
    ILogger logger,
    Func<BottleNetwork, CancellationToken, Task<BottleNetwork>>? readySpare = null,
    Func<string, CancellationToken, Task>? releaseSpare = null) : IAsyncDisposable
{
    public const string PoolLabel = "io.botbottle.pool";


    private readonly SubnetPool _subnets = new(options.NetworkPool, options.NetworkPrefixLength);
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private readonly ConcurrentQueue<BottleNetwork> _spares = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _refilling;
    private Task _refill = Task.CompletedTask;

    /// <summary>A network for a new bottle: a ready one when there is one, else a fresh one.</summary>
    public async Task<BottleNetwork> TakeAsync(CancellationToken cancellationToken)
    {
        // The pool is refilled after the launch (Refill), not now: creating a network and starting a
        // proxy beside a launch slows the launch down.
        return _spares.TryDequeue(out var spare) ? spare : await CreateAsync(cancellationToken);
    }

    /// <summary>Starts filling the pool up to <see cref="BottleOptions.WarmNetworks"/> without waiting.</summary>
    public void Refill()
    {
        if (options.WarmNetworks > 0 && Interlocked.CompareExchange(ref _refilling, 1, 0) == 0)
        {
            _refill = Task.Run(RefillAsync);
        }
    }

    /// <summary>Fills the pool and waits until it is full (start-up, benchmarks).</summary>
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        while (_spares.Count < options.WarmNetworks)
        {
            _spares.Enqueue(await CreateSpareAsync(cancellationToken));
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Networks.DeleteNetworkAsync(name, cancellationToken);
        }
        catch (DockerNetworkNotFoundException)
        {
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        // A refill finishing after the drain below would leave its network (and proxy) behind.
        await _refill.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (_spares.TryDequeue(out var spare))
        {
            if (releaseSpare is not null)
            {
                await releaseSpare(spare.Name, CancellationToken.None);
            }

            await DeleteAsync(spare.Name, CancellationToken.None);
        }

        _stopping.Dispose();
        _createGate.Dispose();
    }

    /// <summary>
    /// Removes the spare networks (and their standby proxies) of Worker processes on this machine that
    /// are gone: a Worker that crashed never gave its spares back. Networks still in use by a bottle
    /// are left alone (Docker refuses to delete them); other machines' are not this Worker's to judge.
    /// </summary>
    public async Task SweepOrphansAsync(CancellationToken cancellationToken)
    {
        var networks = await docker.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [OwnerProcess.Label] = true } },
        }, cancellationToken);
        foreach (var network in networks.Where(n => OwnerProcess.IsDeadOnThisMachine(n.Labels[OwnerProcess.Label])))
        {
            if (releaseSpare is not null)
            {
                await releaseSpare(network.Name, cancellationToken);
            }

            try
            {
                await docker.Networks.DeleteNetworkAsync(network.ID, cancellationToken);
                LogSwept(logger, network.Name);
            }
            catch (DockerApiException)
            {
                // A bottle of the dead Worker still runs on it; its teardown deletes the network.
            }
        }
    }

    /// <summary>A network for the pool, readied further by the owner (its egress proxy started), or given back on failure.</summary>
    private async Task<BottleNetwork> CreateSpareAsync(CancellationToken cancellationToken)
    {
        var network = await CreateAsync(cancellationToken);
        if (readySpare is null)
        {
            return network;
        }

        try
        {
            return await readySpare(network, cancellationToken);
        }
        catch
        {
            // By the network's name: a start cut short may have created the proxy without saying so.
            if (releaseSpare is not null)
            {
                await releaseSpare(network.Name, CancellationToken.None);
            }

            await DeleteAsync(network.Name, CancellationToken.None);
            throw;
        }
    }

    private async Task RefillAsync()
    {
        try
        {
            await WarmAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is DockerApiException or InvalidOperationException or HttpRequestException)
        {
            // Launches still work without spares, only slower; the next launch tries again.
            LogRefillFailed(logger, ex);
        }
        finally
        {
            Volatile.Write(ref _refilling, 0);
        }
    }

    /// <summary>
    /// Serialised within this Worker so two creations never pick the same subnet; a clash with
    /// another Worker on the same engine is refused by Docker and retried with the next subnet.
    /// </summary>
    private async Task<BottleNetwork> CreateAsync(CancellationToken cancellationToken)
    {
        const int attempts = 8;
        await _createGate.WaitAsync(cancellationToken);
        try
        {
            var taken = await SubnetsInUseAsync(cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                var subnet = _subnets.NextFree(taken)
                    ?? throw new InvalidOperationException($"the bottle network pool {options.NetworkPool} is full ({_subnets.Capacity} networks); widen BotBottle:NetworkPool");
                var name = $"botbottle-net-{Guid.NewGuid().ToString("N")[..10]}";
                try
                {
                    await docker.Networks.CreateNetworkAsync(Parameters(name, subnet), cancellationToken);
                    return new BottleNetwork(name, subnet);
                }
                catch (DockerApiException ex) when (attempt < attempts && ex.ResponseBody.Contains("overlap", StringComparison.OrdinalIgnoreCase))
                {
                    taken.Add(subnet);
                }
            }
        }
        finally
        {
            _createGate.Release();
        }
    }

    private static NetworksCreateParameters Parameters(string name, string subnet) => new()
    {
        Name = name,
        Driver = "bridge",
        // Default deny: no route out at all; the bottle's egress proxy is its only way out. The
        // bridge gets no host address either, so nothing on the host is reachable from the bottle.
        Internal = true,
        Options = new Dictionary<string, string>(StringComparer.Ordinal) { ["com.docker.network.bridge.inhibit_ipv4"] = "true" },
        IPAM = new IPAM { Driver = "default", Config = [new IPAMConfig { Subnet = subnet, Gateway = SubnetPool.GatewayOf(subnet) }] },
        Labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [DockerNames.BackendLabel] = DockerNames.Backend,
            [PoolLabel] = "isolated",
            [OwnerProcess.Label] = OwnerProcess.ThisProcess,
        },
    };

    private async Task<HashSet<string>> SubnetsInUseAsync(CancellationToken cancellationToken)
    {
        var networks = await docker.Networks.ListNetworksAsync(new NetworksListParameters(), cancellationToken);
        return networks
            .SelectMany(n => n.IPAM?.Config ?? [])
            .Select(c => c.Subnet)
            .Where(s => !string.IsNullOrEmpty(s))
            .ToHashSet(StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Network}, a spare network of a Worker that is gone")]
    private static partial void LogSwept(ILogger logger, string network);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not prepare spare bottle networks")]
    private static partial void LogRefillFailed(ILogger logger, Exception exception);
}

/// <summary>A bottle's network, by name and subnet, and the standby egress proxy already on it, if any.</summary>
public sealed record BottleNetwork(string Name, string Subnet)
{
    /// <summary>The standby proxy's container name.</summary>
    public string? StandbyProxy { get; init; }

    /// <summary>The standby proxy's container id (it keeps it when a launch renames it).</summary>
    public string? StandbyProxyId { get; init; }
}
