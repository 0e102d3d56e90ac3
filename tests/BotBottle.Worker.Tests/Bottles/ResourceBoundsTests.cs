using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Core.Manifest;
using BotBottle.Testing;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Tests.Support;

namespace BotBottle.Worker.Tests.Bottles;

/// <summary>
/// What a hostile agent can exhaust, tried from inside real bottles on the real engine: the host's
/// disk, the container log, the process table. Each bottle gets bounds whether its manifest entry
/// sets limits or not.
/// </summary>
public sealed class ResourceBoundsTests : IAsyncLifetime
{
    private const string Manifest = $$"""
        agents:
          small:
            image: {{TestImages.AgentBase}}
            harness: claude
            limits: { memory: 256m, pids: 64, disk: 64m }
          unlimited:
            image: {{TestImages.AgentBase}}
            harness: claude
        """;

    private readonly BottleHarness _bottles = new(Manifest, o =>
    {
        o.LogMaxSize = "1m";
        o.TmpSize = "32m";
        o.LogMaxFiles = 2;
        o.Output.MaxLineChars = 1000;
        o.Output.KeptBytes = 64 * 1024;
        o.Output.MaxLogBytes = 2 * 1024 * 1024;
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bottles.DisposeAsync();

    [Theory]
    [MemberData(nameof(BottleIsolationTests.Backends), MemberType = typeof(BottleIsolationTests))]
    public async Task A_bottle_that_fills_its_disk_gets_ENOSPC_and_the_host_keeps_its_space(BackendKind backend)
    {
        var bottle = await LaunchAsync("small", backend);

        var fill = await ExecAsync(bottle, "dd if=/dev/urandom of=$HOME/workspace/big bs=1M count=200 2>&1; echo exit=$?; df -k $HOME | tail -1");
        var stillWorks = await ExecAsync(bottle, "rm $HOME/workspace/big && echo ok > $HOME/workspace/after && cat $HOME/workspace/after");

        Assert.Contains("No space left on device", fill.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("ok", stillWorks.StandardOutput.Trim());
        var disk = RuntimeRecord.TryRead(bottle.StateDirectory)!.Disk!;
        Assert.True(new FileInfo(disk + ".img").Length <= 64L << 20, "the disk image is larger than the limit");
        Assert.True(AllocatedBytes(disk + ".img") <= 72L << 20, $"the host holds {AllocatedBytes(disk + ".img")} bytes for a 64 MiB disk");
    }

    [Theory]
    [MemberData(nameof(BottleIsolationTests.Backends), MemberType = typeof(BottleIsolationTests))]
    public async Task Only_the_bottles_home_and_tmp_are_writable_and_tmp_is_bounded(BackendKind backend)
    {
        var bottle = await LaunchAsync("small", backend);

        var root = await ExecAsync(bottle, "touch /usr/local/x /etc/x 2>/dev/null; test -e /usr/local/x || test -e /etc/x; echo $?");
        var tmp = await ExecAsync(bottle, "dd if=/dev/zero of=/tmp/big bs=1M count=100 2>&1; df -k /tmp | tail -1");

        // Refused either way ("Read-only file system" from Linux, "Permission denied" from gVisor's kernel).
        Assert.Equal("1", root.StandardOutput.Trim());
        Assert.Contains("No space left on device", tmp.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BottleIsolationTests.Backends), MemberType = typeof(BottleIsolationTests))]
    public async Task Container_logs_are_rotated_so_endless_output_cannot_fill_the_host(BackendKind backend)
    {
        var bottle = await LaunchAsync("small", backend);
        var inspect = await _bottles.Docker.Containers.InspectContainerAsync(DockerNames.Container(bottle.Slug));

        // 20 MB to the container's own stdout (where its main process writes), as an agent's daemon would.
        await ExecAsync(bottle, "head -c 20000000 /dev/zero | tr '\\0' x | fold -w 100 > /proc/1/fd/1");

        var logs = Directory.GetFiles(Path.GetDirectoryName(inspect.LogPath)!, "*-json.log*");
        var total = logs.Sum(f => new FileInfo(f).Length);
        Assert.Equal(("json-file", "1m", "2"), (inspect.HostConfig.LogConfig.Type, inspect.HostConfig.LogConfig.Config["max-size"], inspect.HostConfig.LogConfig.Config["max-file"]));
        Assert.True(total <= 3L << 20, $"the container's logs hold {total} bytes");
        // Its egress sidecar's log (Squid's and the scanner's) is rotated the same way.
        var sidecar = (await _bottles.Docker.Containers.InspectContainerAsync(Worker.Egress.EgressSidecars.ContainerName(bottle.Slug))).HostConfig.LogConfig;
        Assert.Equal(("json-file", "1m", "2"), (sidecar.Type, sidecar.Config["max-size"], sidecar.Config["max-file"]));
    }

    /// <summary>
    /// Docker only: in a gVisor bottle (Debian's runsc, ptrace platform) the agent's processes are host
    /// processes too, and a storm past the host's pids limit ends the sandbox itself; the host is unharmed.
    /// </summary>
    [Fact]
    public async Task After_a_fork_storm_hits_the_pids_limit_the_orphans_are_reaped_and_the_bottle_forks_again()
    {
        var bottle = await LaunchAsync("small");

        // Each subshell leaves an orphan that exits at once: without an init reaping them, they stay
        // zombies under PID 1 and hold the pids limit for good.
        await ExecAsync(bottle, "for i in $(seq 1 200); do ( sleep 0.1 & ) 2>/dev/null; done; sleep 1");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = await ExecAsync(bottle, "ps -eo stat= | grep -c '^Z' ; echo forked");

        Assert.Equal(0, after.ExitCode);
        Assert.Equal(["0", "forked"], after.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Endless_output_and_an_endless_line_are_cut_in_events_memory_and_the_log_file()
    {
        var bottle = await LaunchAsync("small");
        var lines = new List<OutputLine>();

        // One 1 MB line, 200,000 short ones (about 1.3 MB), then the line a harness's result would be.
        var outcome = await _bottles.Backend.ExecAsync(bottle.Slug,
            ["bash", "-c", "head -c 1000000 /dev/zero | tr '\\0' x; echo; seq 1 200000 | sed 's/^/line /'; echo RESULT"],
            new SynchronousProgress<OutputLine>(lines.Add), default);

        Assert.Equal(200002, lines.Count);
        Assert.All(lines, l => Assert.True(l.Text.Length <= 1100, $"a reported line holds {l.Text.Length} characters"));
        Assert.EndsWith("[line cut at 1000 of 1000000 characters]", lines[0].Text, StringComparison.Ordinal);
        Assert.True(outcome.StandardOutput.Length <= 2 * 64 * 1024, $"{outcome.StandardOutput.Length} characters kept in memory");
        Assert.StartsWith("line ", outcome.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("line 200000\nRESULT\n", outcome.StandardOutput, StringComparison.Ordinal);
        var log = Assert.Single(Directory.GetFiles(Path.Combine(bottle.StateDirectory, RunLogs.DirName)));
        var logText = File.ReadAllText(log);
        Assert.InRange(new FileInfo(log).Length, 2L * 1024 * 1024, 2L * 1024 * 1024 + 200);
        Assert.EndsWith("this run's output passed 2097152 bytes (BotBottle:Output:MaxLogBytes)]\n", logText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_entry_without_limits_gets_the_Workers_defaults()
    {
        var bottle = await LaunchAsync("unlimited");

        var inspect = await _bottles.Docker.Containers.InspectContainerAsync(DockerNames.Container(bottle.Slug));
        var defaults = _bottles.Options.Limits.ToPolicy().Defaults;
        Assert.Equal((defaults.MemoryBytes, (long)(defaults.Cpus!.Value * 1e9), (long?)defaults.Pids),
            (inspect.HostConfig.Memory, inspect.HostConfig.NanoCPUs, inspect.HostConfig.PidsLimit));
        Assert.Equal(defaults.DiskBytes, BottleDisks.SizeOf(RuntimeRecord.TryRead(bottle.StateDirectory)!.Disk!));
    }

    [Fact]
    public void A_manifest_asking_for_more_than_the_Workers_maximum_is_refused_with_the_reason()
    {
        File.WriteAllText(_bottles.ManifestPath, $$"""
            agents:
              greedy:
                image: {{TestImages.AgentBase}}
                harness: claude
                limits: { memory: 64g, disk: 1t }
            """);

        var error = Assert.Throws<ManifestException>(() => _bottles.ManifestSource.Load());

        Assert.Contains("agents.greedy.limits.memory: 64g is more than this Worker allows (16g, BotBottle:Limits:MaxMemory)", error.Message, StringComparison.Ordinal);
        Assert.Contains("agents.greedy.limits.disk: 1024g is more than this Worker allows (64g, BotBottle:Limits:MaxDisk)", error.Message, StringComparison.Ordinal);
    }

    private async Task<PreparedBottle> LaunchAsync(string agent, BackendKind backend = BackendKind.Docker)
    {
        var manifest = _bottles.ManifestSource.Load();
        var bottle = await _bottles.Backend.PrepareAsync(new BottleSpec(manifest, agent, false, "", "test", "", "", backend), WorkspaceSource.Empty, default);
        await _bottles.Backend.LaunchAsync(bottle, default);
        return bottle;
    }

    private Task<ExecOutcome> ExecAsync(PreparedBottle bottle, string script) =>
        _bottles.Backend.ExecAsync(bottle.Slug, ["bash", "-c", script], null, default);

    /// <summary>The bytes the host's file system holds for a (sparse) file.</summary>
    private static long AllocatedBytes(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%b %B", path]) { RedirectStandardOutput = true })!;
        var parts = stat.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
        stat.WaitForExit();
        return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
