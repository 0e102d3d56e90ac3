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
/// which the sidecars use as their outside network), two running bottles, a real Redis and the
/// Worker's egress monitor following the sidecars' logs.
/// </summary>
public sealed class EgressWorld : IAsyncLifetime
{
    public const string OutsideNetwork = "botbottle-egress-tests";
    public const string InternetContainer = "botbottle-egress-tests-internet";
    public const int InternetPort = 8080;
    public const string Page = "hello from the allowlisted host";

    public static string Manifest(params string[] extraEgress) => $$"""
        agents:
          probe:
            image: {{TestImages.AgentBase}}
            harness: claude
            egress: [allowed.botbottle.test:{{InternetPort}}{{string.Concat(extraEgress.Select(e => ", " + e))}}]
          neighbour:
            image: {{TestImages.AgentBase}}
            harness: claude
        """;

    private EgressMonitor? _monitor;

    public BottleHarness Bottles { get; } = new(Manifest());

    public RedisServer Redis { get; } = new();

    private StandInServer Internet => new(Bottles.Docker, OutsideNetwork, InternetContainer);

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
    }
}
