using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Core.Manifest;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Egress;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Bench.Bottles;

/// <summary>
/// Bottle launch (spec to running container, metadata written) against a raw docker create+start of
/// the same image, and enumerate with many bottles up against the bare container listing, all
/// measured in one run on the same engine.
/// </summary>
public sealed class DockerBottleBench(string image, int launches, int bottles, TextWriter log) : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"botbottle-bench-{Guid.NewGuid():N}");
    private readonly DockerClient _docker = BottlesServiceCollectionExtensions.CreateDockerClient(new BottleOptions());
    private DockerBottleBackend _backend = null!;
    private EgressSidecars _sidecars = null!;
    private AgentManifest _manifest = null!;

    public async Task<string> RunAsync()
    {
        Setup();
        // As in the Worker, spare networks are readied at start-up.
        await _backend.WarmAsync(default);
        var report = new List<string> { $"image `{image}`; {launches} launches each way, alternating; enumerate over {bottles} bottles", "", Measurement.Header };

        var raw = new Measurement("raw docker create+start (default bridge)");
        var rawIsolated = new Measurement("raw docker create+start on an internal network");
        var launch = new Measurement("bottle launch (prepare+launch)");
        var gvisor = new Measurement("gVisor bottle launch (prepare+launch)");
        var isolatedNetwork = await CreateInternalNetworkAsync();
        for (var i = 0; i < launches; i++)
        {
            await RawCreateStartAsync(raw, network: null);
            await RawCreateStartAsync(rawIsolated, isolatedNetwork);
            await BottleLaunchAsync(launch, BackendKind.Docker);
            await BottleLaunchAsync(gvisor, BackendKind.Gvisor);
        }

        await _docker.Networks.DeleteNetworkAsync(isolatedNetwork);
        report.Add(raw.Row(null));
        report.Add(rawIsolated.Row(raw));
        report.Add(launch.Row(raw));
        report.Add(launch.Row(rawIsolated).Replace("| bottle launch (prepare+launch) |", "| bottle launch, against the internal-network baseline |", StringComparison.Ordinal));
        report.Add(gvisor.Row(launch).Replace("| gVisor bottle launch (prepare+launch) |", "| gVisor bottle launch, against the docker bottle launch |", StringComparison.Ordinal));

        var slugs = await LaunchManyAsync(bottles);
        var list = new Measurement($"docker list of {bottles} containers");
        var enumerate = new Measurement($"enumerate {bottles} bottles");
        for (var i = 0; i < 20; i++)
        {
            await list.TimeAsync(() => _docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }));
            var found = await enumerate.TimeAsync(() => _backend.EnumerateAsync(default));
            if (found.Count < bottles)
            {
                throw new InvalidOperationException($"enumerate found {found.Count} of {bottles} bottles");
            }
        }

        report.Add(list.Row(null));
        report.Add(enumerate.Row(list));
        await TeardownAsync(slugs);
        return string.Join('\n', report);
    }

    private void Setup()
    {
        var manifestPath = Path.Combine(_root, "agents.yaml");
        Directory.CreateDirectory(_root);
        File.WriteAllText(manifestPath, $"agents:\n  bench:\n    image: {image}\n    harness: claude\n");
        _manifest = ManifestLoader.LoadFile(manifestPath);
        var options = new BottleOptions { StateRoot = Path.Combine(_root, "state"), ManifestPath = manifestPath };
        (_backend, _sidecars) = BenchBackend.Create(_docker, options, new EgressOptions());
    }

    /// <summary>The floor for an isolated container: the network exists already, as the Worker's spares do.</summary>
    private async Task<string> CreateInternalNetworkAsync()
    {
        var name = $"botbottle-bench-{Guid.NewGuid():N}"[..24];
        await _docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = name,
            Internal = true,
            IPAM = new IPAM { Config = [new IPAMConfig { Subnet = "10.213.255.240/28", Gateway = "10.213.255.241" }] },
        });
        return name;
    }

    private async Task RawCreateStartAsync(Measurement measurement, string? network)
    {
        var id = await measurement.TimeAsync(async () =>
        {
            var created = await _docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = image,
                Cmd = ["sleep", "infinity"],
                HostConfig = network is null ? null : new HostConfig { NetworkMode = network },
            });
            await _docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            return created.ID;
        });
        await _docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
    }

    private async Task BottleLaunchAsync(Measurement measurement, BackendKind backend)
    {
        // As on a Worker between launches: the spare pool (networks with their standby proxies) has refilled.
        await _backend.WarmAsync(default);
        var slug = await measurement.TimeAsync(() => LaunchOneAsync(backend));
        await _backend.TeardownAsync(slug, deleteState: true, default);
    }

    private async Task<string> LaunchOneAsync(BackendKind backend = BackendKind.Docker)
    {
        var spec = new BottleSpec(_manifest, "bench", false, _root, "bench", "bench", "cyan", backend);
        var bottle = await _backend.PrepareAsync(spec, WorkspaceSource.Empty, default);
        await _backend.LaunchAsync(bottle, default);
        return bottle.Slug;
    }

    private async Task<List<string>> LaunchManyAsync(int count)
    {
        var slugs = new List<string>();
        for (var i = 0; i < count; i++)
        {
            slugs.Add(await LaunchOneAsync());
            if ((i + 1) % 25 == 0)
            {
                log.WriteLine($"launched {i + 1}/{count} bottles for enumerate");
            }
        }

        return slugs;
    }

    private async Task TeardownAsync(List<string> slugs)
    {
        for (var i = 0; i < slugs.Count; i++)
        {
            await _backend.TeardownAsync(slugs[i], deleteState: true, default);
            if ((i + 1) % 50 == 0)
            {
                log.WriteLine($"tore down {i + 1}/{slugs.Count}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
            _sidecars?.Dispose();
        }

        _docker.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
