using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Core.Events;
using BotBottle.Testing;
using BotBottle.Worker.Egress;
using BotBottle.Worker.Tests.Support;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Tests.Egress;

/// <summary>
/// The opt-in TLS inspection on the real engine: an HTTPS server (Node.js, its certificate from a
/// private CA the proxy is told to trust) stands in for an API; the client in the bottle is Node.js
/// trusting only what the bottle was given.
/// </summary>
public sealed class TlsInspectionWorld : IAsyncLifetime
{
    public const string OutsideNetwork = "botbottle-egress-tls-tests";
    public const string ServerContainer = "botbottle-egress-tls-tests-server";

    private readonly TempDirectory _certificates = new("botbottle-tls");
    private EgressMonitor? _monitor;

    public BottleHarness Bottles { get; } = new($$"""
        agents:
          probe:
            image: {{TestImages.AgentClaude}}
            harness: claude
            egress: [secure.botbottle.test:8443]
            tlsPorts: [8443]
        """);

    public RedisServer Redis { get; } = new();

    private StandInServer Server => new(Bottles.Docker, OutsideNetwork, ServerContainer);

    public RecordingEvents Events { get; } = new();

    public PreparedBottle Probe { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (upstreamCa, serverCertificate, serverKey) = TestCertificates.For("secure.botbottle.test");
        var upstreamCaFile = _certificates.Combine("upstream-ca.pem");
        await File.WriteAllTextAsync(upstreamCaFile, upstreamCa);
        Bottles.Egress.TlsInspection = true;
        Bottles.Egress.UpstreamCaFile = upstreamCaFile;
        Bottles.Egress.CaDirectory = _certificates.Combine("inspection-ca");
        Bottles.Egress.OutsideNetwork = OutsideNetwork;
        Bottles.Egress.MonitorInterval = TimeSpan.FromMilliseconds(200);
        await Redis.InitializeAsync();
        // The stand-in server sits in private address space; open exactly its address.
        Bottles.Egress.PrivateNetworks.Add((await StartServerAsync(serverCertificate, serverKey)).IPAddress);

        var spec = new BottleSpec(Bottles.Manifest, "probe", false, "/home/operator/project", "test", "", "");
        Probe = await Bottles.Backend.PrepareAsync(spec, WorkspaceSource.Empty, default);
        await Bottles.Backend.LaunchAsync(Probe, default);
        _monitor = Bottles.EgressMonitor(Redis.Connection, Events);
        await _monitor.StartAsync(default);
    }

    public async Task DisposeAsync()
    {
        if (_monitor is not null)
        {
            await _monitor.StopAsync(default);
            _monitor.Dispose();
        }

        await Server.RemoveAsync();
        await Bottles.DisposeAsync();
        await Redis.DisposeAsync();
        _certificates.Dispose();
    }

    private Task<EndpointSettings> StartServerAsync(string certificate, string key) =>
        Server.StartAsync(
            TestImages.AgentClaude,
            ["node", "-e", "require('https').createServer({ key: process.env.SERVER_KEY, cert: process.env.SERVER_CERT }, (q, r) => r.end('secure hello')).listen(8443)"],
            ["secure.botbottle.test"],
            [$"SERVER_CERT={certificate}", $"SERVER_KEY={key}"]);
}

public sealed class TlsInspectionTests(TlsInspectionWorld world) : IClassFixture<TlsInspectionWorld>
{
    /// <summary>An HTTPS GET through the bottle's proxy (CONNECT, then TLS on that tunnel), printing the issuer seen and the response.</summary>
    private const string Client = """
        const http = require('http'), tls = require('tls');
        const [target, header] = process.argv.slice(1);
        const proxy = new URL(process.env.HTTPS_PROXY);
        const connect = http.request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: target });
        connect.on('connect', (res, socket) => {
          if (res.statusCode !== 200) { console.log(JSON.stringify({ connect: res.statusCode })); return; }
          const secure = tls.connect({ socket, servername: target.split(':')[0] }, () => {
            const issuer = secure.getPeerCertificate().issuer.CN;
            secure.write(`GET / HTTP/1.1\r\nHost: ${target}\r\n${header ? header + '\r\n' : ''}Connection: close\r\n\r\n`);
            let data = '';
            secure.on('data', d => data += d);
            secure.on('end', () => console.log(JSON.stringify({ issuer, status: data.split('\r\n')[0], body: data.split('\r\n\r\n')[1] || '' })));
          });
          secure.on('error', e => console.log(JSON.stringify({ error: e.message })));
        });
        connect.end();
        """;

    [Fact]
    public async Task Https_is_answered_through_a_certificate_from_the_installation_ca_that_the_bottle_trusts()
    {
        var response = await GetAsync("");

        Assert.StartsWith("HTTP/1.1 200", response.GetProperty("status").GetString(), StringComparison.Ordinal);
        Assert.Equal("secure hello", response.GetProperty("body").GetString());
        Assert.StartsWith("BotBottle egress inspection CA", response.GetProperty("issuer").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Api-Key: sk-ant-api03-Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXk")]
    [InlineData("X-Foo: ghp_abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("Authorization: Basic eC1hY2Nlc3MtdG9rZW46Z2hwX2FiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1Njc4OQ==")]
    public async Task A_credential_inside_tls_is_blocked_and_reported(string header)
    {
        var response = await GetAsync(header);

        Assert.StartsWith("HTTP/1.1 403", response.GetProperty("status").GetString(), StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!world.Events.All.Any(e => e.Kind == BottleEventKind.EgressDenied && e.Slug == world.Probe.Slug && e.Data?.GetValueOrDefault("reason") == "credential"))
        {
            Assert.True(DateTime.UtcNow < deadline, "no credential denial event within 20 s");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task The_bottle_gets_the_ca_certificate_but_never_its_key()
    {
        var ca = await world.Bottles.Backend.ExecAsync(world.Probe.Slug, ["bash", "-c", "cat \"$NODE_EXTRA_CA_CERTS\"; echo; grep -rl 'PRIVATE KEY' /home/agent || echo no-key"], null, default);

        Assert.Contains("BEGIN CERTIFICATE", ca.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("no-key", ca.StandardOutput.Trim(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetAsync(string header)
    {
        var outcome = await world.Bottles.Backend.ExecAsync(world.Probe.Slug, ["node", "-e", Client, "secure.botbottle.test:8443", header], null, default);
        Assert.True(outcome.ExitCode == 0, outcome.StandardError);
        return JsonDocument.Parse(outcome.StandardOutput).RootElement;
    }
}
