using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Testing;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Egress;
using BotBottle.Worker.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Tests.Egress;

/// <summary>
/// One egress scene shared by the egress tests: a stand-in "internet" (busybox httpd answering as
/// allowed.botbottle.test, other.botbottle.test and late.botbottle.test on a network of its own,
/// which the sidecars use as their outside network, and opened to bottles as a private address),
/// an "intranet" host on the same network that is not opened, a listener on the host that records
/// every request it receives (reached through the host alias), two running bottles, a real Redis
/// and the Worker's egress monitor following the sidecars' logs.
/// </summary>
public sealed class EgressWorld : IAsyncLifetime
{
    public const string OutsideNetwork = "botbottle-egress-tests";
    public const string InternetContainer = "botbottle-egress-tests-internet";
    public const string IntranetContainer = "botbottle-egress-tests-intranet";
    public const int InternetPort = 8080;
    public const string Page = "hello from the allowlisted host";
    public const string HostAlias = "host.botbottle.internal";
    public const string ApiHost = "api.botbottle.test";

    /// <summary>The probe's manifest: the stand-in hosts, the recording listener, and <paramref name="extraEgress"/>.</summary>
    public string Manifest(params string[] extraEgress) => $$"""
        agents:
          probe:
            image: {{TestImages.AgentBase}}
            harness: claude
            egress: [allowed.botbottle.test:{{InternetPort}}, intranet.botbottle.test:{{InternetPort}}, {{HostAlias}}:{{Recorder?.Port ?? 1}}{{string.Concat(extraEgress.Select(e => ", " + e))}}]
            # Its model API on the stand-in hosts' plain port: a tunnel may go to the API, not to that port elsewhere.
            env: { ANTHROPIC_BASE_URL: "http://{{ApiHost}}:{{InternetPort}}" }
          neighbour:
            image: {{TestImages.AgentBase}}
            harness: claude
        """;

    private EgressMonitor? _monitor;

    public BottleHarness Bottles { get; } = new("agents: {}");

    /// <summary>Receives what the proxy lets through to the recording host, whole.</summary>
    public RecordingHttpServer Recorder { get; private set; } = null!;

    /// <summary>The recording host as a bottle addresses it.</summary>
    public string RecorderAuthority => $"{HostAlias}:{Recorder.Port}";

    public string IntranetAddress { get; private set; } = "";

    public RedisServer Redis { get; } = new();

    private StandInServer Internet => new(Bottles.Docker, OutsideNetwork, InternetContainer);

    private StandInServer Intranet => new(Bottles.Docker, OutsideNetwork, IntranetContainer);

    public RecordingEvents Events { get; } = new();

    public PreparedBottle Probe { get; private set; } = null!;

    public PreparedBottle Neighbour { get; private set; } = null!;

    public string InternetAddress { get; private set; } = "";

    public string OutsideGateway { get; private set; } = "";

    public EgressPolicyReloader Reloader { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Bottles.Egress.OutsideNetwork = OutsideNetwork;
        Bottles.Egress.MonitorInterval = TimeSpan.FromMilliseconds(200);
        await Redis.InitializeAsync();
        Recorder = await RecordingHttpServer.StartAsync(System.Net.IPAddress.Any);
        await File.WriteAllTextAsync(Bottles.ManifestPath, Manifest());
        await StartInternetAsync();
        Probe = await LaunchAsync("probe");
        Neighbour = await LaunchAsync("neighbour");

        var policies = new BottleEgressPolicies(Bottles.State);
        _monitor = Bottles.EgressMonitor(Redis.Connection, Events);
        await _monitor.StartAsync(default);
        Reloader = new EgressPolicyReloader(Bottles.Sidecars, policies, Bottles.ManifestSource,
            Options.Create(Bottles.Egress), TimeProvider.System, NullLogger<EgressPolicyReloader>.Instance);
    }

    public async Task DisposeAsync()
    {
        if (_monitor is not null)
        {
            await _monitor.StopAsync(default);
            _monitor.Dispose();
        }

        await Internet.RemoveAsync();
        await Intranet.RemoveAsync();
        await Recorder.DisposeAsync();
        await Bottles.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>The bottle's address on its own network (fixed: the sidecar has the one before it).</summary>
    public static string AddressOf(PreparedBottle bottle)
    {
        var record = Worker.Bottles.RuntimeRecord.TryRead(bottle.StateDirectory)!;
        return SubnetPool.AddressIn(record.Subnet!, EgressSidecars.BottleOffset);
    }

    private async Task<PreparedBottle> LaunchAsync(string agent)
    {
        var spec = new BottleSpec(Bottles.Manifest, agent, false, "/home/operator/project", "test", "", "");
        var bottle = await Bottles.Backend.PrepareAsync(spec, WorkspaceSource.Empty, default);
        await Bottles.Backend.LaunchAsync(bottle, default);
        return bottle;
    }

    private async Task StartInternetAsync()
    {
        var endpoint = await Internet.StartAsync(
            TestImages.TestHttpd,
            ["sh", "-c", $"echo '{Page}' > /www/index.html && exec httpd -f -p {InternetPort} -h /www"],
            ["allowed.botbottle.test", "other.botbottle.test", "late.botbottle.test"]);
        InternetAddress = endpoint.IPAddress;
        OutsideGateway = endpoint.Gateway;
        // The stand-in internet sits in private address space, as the intranet does: only the
        // former is opened to bottles, the way an operator opens an internal server.
        Bottles.Egress.PrivateNetworks.Add(InternetAddress);
        IntranetAddress = (await Intranet.StartAsync(
            TestImages.TestHttpd,
            ["sh", "-c", $"echo 'intranet' > /www/index.html && exec httpd -f -p {InternetPort} -h /www"],
            ["intranet.botbottle.test"])).IPAddress;
    }
}
