using System.Globalization;
using System.Text.Json;
using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Core.Manifest;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Egress;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Bench.Egress;

/// <summary>
/// Requests through a bottle's egress proxy against the same requests made directly, in one run:
/// the same Node.js client (the harnesses' runtime) fetches from and uploads to the same busybox
/// httpd, once from inside a bottle through its Squid sidecar (every request, body included,
/// scanned for credentials by the sidecar's ICAP scanner) and once from a container on the outside
/// network with no proxy. Rounds alternate so drift on the engine hits both sides alike.
/// </summary>
public sealed class EgressProxyBench(int requests, int concurrency, int seconds, TextWriter log) : IAsyncDisposable
{
    private const string Outside = "botbottle-egress-bench";
    private const string Server = "botbottle-egress-bench-server";
    private const string DirectClient = "botbottle-egress-bench-direct";
    private const string Image = "botbottle/agent-claude:latest";
    private const string Target = "bench.botbottle.test:8080";

    /// <summary>Latency of sequential requests (a new connection each, as a CLI makes them), throughput with parallel clients, one bulk download.</summary>
    private const string Client = """
        const http = require('http');
        const [target, proxy, count, concurrency, seconds] = process.argv.slice(1);
        const [host, port] = target.split(':');
        function request(path, body) {
          return new Promise((resolve, reject) => {
            const options = proxy
              ? { host: proxy.split(':')[0], port: +proxy.split(':')[1], path: `http://${target}${path}` }
              : { host, port: +port, path };
            options.headers = { Host: target };
            options.agent = false;
            if (body) { options.method = 'POST'; options.headers['Content-Length'] = body.length; }
            const start = process.hrtime.bigint();
            const req = http.request(options, res => {
              let bytes = 0;
              res.on('data', chunk => bytes += chunk.length);
              res.on('end', () => res.statusCode === 200
                ? resolve([Number(process.hrtime.bigint() - start) / 1e6, bytes])
                : reject(new Error(`status ${res.statusCode} for ${path}`)));
            }).on('error', reject);
            req.end(body);
          });
        }
        const get = path => request(path);
        (async () => {
          const latencies = [];
          for (let i = 0; i < +count; i++) latencies.push((await get('/small'))[0]);
          let done = 0;
          const end = Date.now() + seconds * 1000;
          await Promise.all(Array.from({ length: +concurrency }, async () => {
            while (Date.now() < end) { await get('/small'); done++; }
          }));
          const [bulkMs, bulkBytes] = await get('/large');
          // Uploads of 512 KiB of text (half the scan's default limit), as a git push or an API call with a big prompt.
          const upload = Buffer.alloc(512 * 1024, 'botbottle ');
          const uploads = [];
          for (let i = 0; i < 20; i++) uploads.push((await request('/cgi-bin/sink', upload))[0]);
          const uploadMs = uploads.reduce((a, b) => a + b, 0);
          console.log(JSON.stringify({ latencies, rps: done / seconds, mbps: bulkBytes / 1048576 / (bulkMs / 1000),
            uploads, uploadMbps: uploads.length * 0.5 / (uploadMs / 1000) }));
        })().catch(e => { console.error(e.message); process.exit(1); });
        """;

    private static readonly JsonSerializerOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"botbottle-egress-bench-{Guid.NewGuid():N}");
    private readonly DockerClient _docker = BottlesServiceCollectionExtensions.CreateDockerClient(new BottleOptions());
    private EgressSidecars? _sidecars;
    private string _serverAddress = "";
    private DockerBottleBackend? _backend;

    public async Task<string> RunAsync()
    {
        await StartServerAsync();
        var bottle = await LaunchBottleAsync(BackendKind.Docker);
        var proxy = SubnetPool.AddressIn(RuntimeRecord.TryRead(bottle.StateDirectory)!.Subnet!, EgressSidecars.ProxyOffset) + ":3128";
        // A gVisor bottle reaches the same sidecar through its loopback relay and a Unix socket.
        var sandboxed = await LaunchBottleAsync(BackendKind.Gvisor);
        var relay = $"{EgressSockets.BottleAddress}:3128";
        await StartDirectClientAsync();

        var direct = new Measurement("direct request (no proxy), new connection each");
        var proxied = new Measurement("through the egress proxy, new connection each");
        var directUpload = new Measurement("direct 512 KiB upload (no proxy)");
        var proxiedUpload = new Measurement("512 KiB upload through the proxy, body scanned");
        var gvisor = new Measurement("from a gVisor bottle through the proxy (socket relay), new connection each");
        var gvisorUpload = new Measurement("512 KiB upload from a gVisor bottle through the proxy");
        var (gvisorRps, gvisorMbps, gvisorUpMbps) = (new List<double>(), new List<double>(), new List<double>());
        var (directRps, proxiedRps, directMbps, proxiedMbps) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        var (directUpMbps, proxiedUpMbps) = (new List<double>(), new List<double>());
        for (var round = 0; round < 2; round++)
        {
            log.WriteLine($"egress bench: round {round + 1} of 2");
            var d = await RunClientAsync(cmd => ExecInDirectClientAsync(cmd), "");
            var p = await RunClientAsync(cmd => _backend!.ExecAsync(bottle.Slug, cmd, null, default), proxy);
            var g = await RunClientAsync(cmd => _backend!.ExecAsync(sandboxed.Slug, cmd, null, default), relay);
            g.Latencies.ForEach(gvisor.Add);
            g.Uploads.ForEach(gvisorUpload.Add);
            gvisorRps.Add(g.Rps);
            gvisorMbps.Add(g.Mbps);
            gvisorUpMbps.Add(g.UploadMbps);
            d.Latencies.ForEach(direct.Add);
            p.Latencies.ForEach(proxied.Add);
            d.Uploads.ForEach(directUpload.Add);
            p.Uploads.ForEach(proxiedUpload.Add);
            directUpMbps.Add(d.UploadMbps);
            proxiedUpMbps.Add(p.UploadMbps);
            directRps.Add(d.Rps);
            proxiedRps.Add(p.Rps);
            directMbps.Add(d.Mbps);
            proxiedMbps.Add(p.Mbps);
        }

        return string.Join('\n',
            $"Node.js client, {requests} sequential requests of 1 KiB per round, then {concurrency} parallel clients for {seconds} s, then one 32 MiB download, then 20 uploads of 512 KiB; 2 alternating rounds; busybox httpd server. Every proxied request goes through the credential scanner (ICAP), uploads with their bodies.",
            "",
            Measurement.Header,
            direct.Row(null),
            proxied.Row(direct),
            gvisor.Row(direct),
            gvisor.Row(proxied).Replace($"| {gvisor.Name} |", "| gVisor through the proxy, against the docker bottle through the proxy |", StringComparison.Ordinal),
            directUpload.Row(null),
            proxiedUpload.Row(directUpload),
            gvisorUpload.Row(proxiedUpload),
            "",
            "| throughput | direct | through proxy | ratio | gVisor through proxy | ratio to direct |",
            "|---|---|---|---|---|---|",
            Row("requests/s (1 KiB, parallel clients)", directRps.Average(), proxiedRps.Average(), gvisorRps.Average()),
            Row("MiB/s (32 MiB download)", directMbps.Average(), proxiedMbps.Average(), gvisorMbps.Average()),
            Row("MiB/s (512 KiB uploads, scanned)", directUpMbps.Average(), proxiedUpMbps.Average(), gvisorUpMbps.Average()));
    }

    private static string Row(string name, double direct, double proxied, double gvisor) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {direct:F0} | {proxied:F0} | {proxied / direct:F2} | {gvisor:F0} | {gvisor / direct:F2} |");

    private async Task<ClientResult> RunClientAsync(Func<IReadOnlyList<string>, Task<ExecOutcome>> exec, string proxy)
    {
        var outcome = await exec(["node", "-e", Client, Target, proxy,
            requests.ToString(CultureInfo.InvariantCulture), concurrency.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture)]);
        if (outcome.ExitCode != 0)
        {
            throw new InvalidOperationException($"bench client failed ({outcome.ExitCode}): {outcome.StandardError}");
        }

        return JsonSerializer.Deserialize<ClientResult>(outcome.StandardOutput, CaseInsensitive)!;
    }

    private async Task<ExecOutcome> ExecInDirectClientAsync(IReadOnlyList<string> command)
    {
        var exec = await _docker.Exec.ExecCreateContainerAsync(DirectClient, new ContainerExecCreateParameters { Cmd = [.. command], AttachStdout = true, AttachStderr = true });
        using var stream = await _docker.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(default);
        var inspect = await _docker.Exec.InspectContainerExecAsync(exec.ID);
        return new ExecOutcome((int)inspect.ExitCode, stdout, stderr);
    }

    private async Task<PreparedBottle> LaunchBottleAsync(BackendKind backend)
    {
        var manifestPath = Path.Combine(_root, "agents.yaml");
        if (_backend is null)
        {
            Directory.CreateDirectory(_root);
            await File.WriteAllTextAsync(manifestPath, $"agents:\n  bench:\n    image: {Image}\n    harness: claude\n    egress: [{Target}]\n");
            var options = new BottleOptions { StateRoot = Path.Combine(_root, "state"), ManifestPath = manifestPath, WarmNetworks = 0 };
            var egress = new EgressOptions { OutsideNetwork = Outside };
            // The stand-in server sits in private address space (a Docker network): open exactly it.
            egress.PrivateNetworks.Add(_serverAddress);
            (_backend, _sidecars) = BenchBackend.Create(_docker, options, egress);
        }

        var spec = new BottleSpec(ManifestLoader.LoadFile(manifestPath), "bench", false, "", "bench", "", "", backend);
        var bottle = await _backend.PrepareAsync(spec, WorkspaceSource.Empty, default);
        await _backend.LaunchAsync(bottle, default);
        return bottle;
    }

    private async Task StartServerAsync()
    {
        await RemoveAsync(Server);
        await RemoveAsync(DirectClient);
        try
        {
            await _docker.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = Outside, Driver = "bridge", CheckDuplicate = true });
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }

        await _docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = Server,
            Image = "botbottle/test-httpd:busybox",
            Cmd = ["sh", "-c", "head -c 1024 /dev/zero > /www/small && head -c 33554432 /dev/zero > /www/large && mkdir -p /www/cgi-bin"
                + " && printf '#!/bin/sh\\ncat >/dev/null\\nprintf \"Content-Type: text/plain\\\\r\\\\n\\\\r\\\\nok\"\\n' > /www/cgi-bin/sink && chmod +x /www/cgi-bin/sink"
                + " && exec httpd -f -p 8080 -h /www"],
            HostConfig = new HostConfig { NetworkMode = Outside },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [Outside] = new() { Aliases = ["bench.botbottle.test"] } },
            },
        });
        await _docker.Containers.StartContainerAsync(Server, new ContainerStartParameters());
        _serverAddress = (await _docker.Containers.InspectContainerAsync(Server)).NetworkSettings.Networks[Outside].IPAddress;
    }

    private async Task StartDirectClientAsync()
    {
        await _docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = DirectClient,
            Image = Image,
            Cmd = ["sleep", "infinity"],
            HostConfig = new HostConfig { NetworkMode = Outside },
        });
        await _docker.Containers.StartContainerAsync(DirectClient, new ContainerStartParameters());
    }

    private async Task RemoveAsync(string container)
    {
        try
        {
            await _docker.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true });
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            foreach (var agent in await _backend.EnumerateAsync(default))
            {
                await _backend.TeardownAsync(agent.Slug, deleteState: true, default);
            }

            await _backend.DisposeAsync();
        }

        _sidecars?.Dispose();
        await RemoveAsync(Server);
        await RemoveAsync(DirectClient);
        _docker.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private sealed record ClientResult(List<double> Latencies, double Rps, double Mbps, List<double> Uploads, double UploadMbps);
}
