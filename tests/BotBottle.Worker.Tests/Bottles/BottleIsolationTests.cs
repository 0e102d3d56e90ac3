using System.Net;
using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Testing;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Bottles.Gvisor;
using BotBottle.Worker.Egress;
using BotBottle.Worker.Tests.Support;

namespace BotBottle.Worker.Tests.Bottles;

/// <summary>
/// What every backend promises, tried on each against the real engine: the agent user without
/// capabilities under the manifest's limits, nothing of the host but the bottle's own disk, its
/// egress proxy as the only way out (which denies and reports what the allowlist does not name), and
/// its files surviving a snapshot and relaunch. gVisor adds a kernel of its own and no network device.
/// </summary>
public sealed class BottleIsolationTests : IAsyncLifetime
{
    private RecordingHttpServer _allowed = null!;
    private BottleHarness _bottles = null!;

    public async Task InitializeAsync()
    {
        _allowed = await RecordingHttpServer.StartAsync(IPAddress.Any);
        _bottles = new BottleHarness($$"""
            agents:
              shell:
                image: {{TestImages.AgentBase}}
                harness: claude
                egress: ["host.botbottle.internal:{{_allowed.Port}}"]
                limits: { memory: 256m, cpus: 0.5, pids: 128 }
            """);
    }

    public async Task DisposeAsync()
    {
        await _bottles.DisposeAsync();
        await _allowed.DisposeAsync();
    }

    public static TheoryData<BackendKind> Backends => [BackendKind.Docker, BackendKind.Gvisor];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_agent_runs_as_a_user_without_capabilities_under_the_manifests_limits(BackendKind backend)
    {
        var bottle = await LaunchAsync(backend);

        var who = await _bottles.BashAsync(bottle, "id -u; grep CapEff /proc/self/status; uname -r");

        var lines = who.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1000", lines[0]);
        Assert.EndsWith("0000000000000000", lines[1].Trim(), StringComparison.Ordinal);
        var inspect = await _bottles.Docker.Containers.InspectContainerAsync(DockerNames.Container(bottle.Slug));
        Assert.Contains("no-new-privileges", inspect.HostConfig.SecurityOpt);
        Assert.Contains("ALL", inspect.HostConfig.CapDrop);
        Assert.False(inspect.HostConfig.Privileged);
        // gVisor's own threads count against the host's pids limit too: the agent keeps its 128.
        var pids = backend == BackendKind.Gvisor ? GvisorSandbox.PidsLimit(128) : 128L;
        Assert.Equal((256L * 1024 * 1024, 500_000_000L, pids), (inspect.HostConfig.Memory, inspect.HostConfig.NanoCPUs, inspect.HostConfig.PidsLimit));
        Assert.Equal(backend.ToName(), inspect.Config.Labels[DockerNames.BackendLabel]);
        Assert.Equal(backend.ToName(), _bottles.State.ReadMetadata(bottle.Slug).Backend);
        // gVisor answers with a kernel of its own, not the host's.
        var hostKernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        Assert.Equal(backend == BackendKind.Gvisor, lines[2] != hostKernel);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Nothing_of_the_host_is_mounted_but_the_bottles_own_disk_and_for_gvisor_its_sockets_read_only(BackendKind backend)
    {
        var bottle = await LaunchAsync(backend);

        var probe = await _bottles.BashAsync(bottle, "test -e /var/run/docker.sock || test -e /run/docker.sock; echo $?");

        Assert.Equal("1", probe.StandardOutput.Trim());
        var inspect = await _bottles.Docker.Containers.InspectContainerAsync(DockerNames.Container(bottle.Slug));
        var expected = new List<(string, string, bool)> { ("/home/agent", RuntimeRecord.TryRead(bottle.StateDirectory)!.Disk!, true) };
        if (backend == BackendKind.Gvisor)
        {
            expected.Add((EgressSockets.MountPath, EgressSockets.HostDirectory(bottle.StateDirectory), false));
        }

        Assert.Equal(expected.Order(), inspect.Mounts.Select(m => (m.Destination, m.Source, m.RW)).Order());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_only_way_out_is_the_egress_proxy_which_passes_the_allowlist_and_denies_the_rest(BackendKind backend)
    {
        var bottle = await LaunchAsync(backend);

        var links = await _bottles.BashAsync(bottle, "ip -o link | cut -d: -f2 | tr -d ' '");
        var allowed = await ProbeAsync(bottle, $"http://host.botbottle.internal:{_allowed.Port}/through-the-sidecar");
        var denied = await ProbeAsync(bottle, "http://not-allowlisted.example/");
        // Not around the proxy either: no route to anything, the host included.
        var direct = await _bottles.BashAsync(bottle, $"exec 3<>/dev/tcp/{HostAddress()}/{_allowed.Port} && echo connected");

        var devices = links.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('@')[0]).Order().ToList();
        Assert.Equal(backend == BackendKind.Gvisor ? ["lo"] : ["eth0", "lo"], devices);
        Assert.StartsWith("HTTP/1.1 200", allowed, StringComparison.Ordinal);
        Assert.True(_allowed.Saw("GET /through-the-sidecar"), "the allowlisted host got the request");
        Assert.StartsWith("HTTP/1.1 403", denied, StringComparison.Ordinal);
        Assert.DoesNotContain("connected", direct.StandardOutput, StringComparison.Ordinal);
        var log = await _bottles.LogsAsync(EgressSidecars.ContainerName(bottle.Slug));
        Assert.Contains(log.Split('\n'), line => line.Contains("TCP_DENIED", StringComparison.Ordinal) && line.Contains("not-allowlisted.example", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Files_survive_a_snapshot_and_a_relaunch_owned_by_the_agent(BackendKind backend)
    {
        var bottle = await LaunchAsync(backend);
        await _bottles.BashAsync(bottle, "mkdir -p ~/.claude/projects/x && echo remembered > ~/.claude/projects/x/s.jsonl && echo edit > change.txt && printf '#!/bin/sh\\necho ran\\n' > build.sh && chmod 755 build.sh");

        await _bottles.Backend.SnapshotTranscriptAsync(bottle.Slug, default);
        await _bottles.Backend.TeardownAsync(bottle.Slug, deleteState: false, default);
        await _bottles.Backend.LaunchAsync(_bottles.Backend.Reopen(bottle.Slug, _bottles.Manifest), default);
        var read = await _bottles.BashAsync(bottle, "cat ~/.claude/projects/x/s.jsonl change.txt && find ~/.claude -maxdepth 0 -printf '%U\\n' && ./build.sh");

        Assert.Equal("remembered\nedit\n1000\nran\n", read.StandardOutput);
        Assert.Equal(backend.ToName(), (await _bottles.Backend.EnumerateAsync(default)).Single(a => a.Slug == bottle.Slug).BackendName);
    }

    [Fact]
    public async Task A_gvisor_bottle_on_an_engine_without_the_runtime_is_refused_before_anything_is_made_with_what_to_do()
    {
        await using var bottles = new BottleHarness(File.ReadAllText(_bottles.ManifestPath), o => o.GvisorRuntime = "no-such-runtime");
        var spec = new BottleSpec(bottles.Manifest, "shell", false, "/home/operator/project", "test", RequestedBackend: BackendKind.Gvisor);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bottles.Backend.PrepareAsync(spec, WorkspaceSource.Empty, default));

        Assert.StartsWith("the gvisor backend is not available on this Worker: the Docker engine has no 'no-such-runtime' runtime registered: install gVisor", error.Message, StringComparison.Ordinal);
        Assert.Empty(bottles.State.ListSlugs());
    }

    private async Task<PreparedBottle> LaunchAsync(BackendKind backend)
    {
        var spec = new BottleSpec(_bottles.Manifest, "shell", false, "/home/operator/project", "test", RequestedBackend: backend);
        var bottle = await _bottles.Backend.PrepareAsync(spec, WorkspaceSource.Empty, default);
        await _bottles.Backend.LaunchAsync(bottle, default);
        return bottle;
    }

    private async Task<string> ProbeAsync(PreparedBottle bottle, string url) =>
        (await _bottles.Backend.ExecAsync(bottle.Slug, ProxyProbe.Command("GET", url, new Uri(url).Authority), null, default)).StandardOutput;

    /// <summary>An address of this host that a container could otherwise reach it on.</summary>
    private static string HostAddress() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToString();
}
