using BotBottle.Testing;
using System.Text.Json;
using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Egress;
using BotBottle.Worker.Tests.Support;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Tests.Bottles;

/// <summary>The Docker backend against the real engine, with the offline-built agent base image (what both backends promise: <see cref="BottleIsolationTests"/>).</summary>
public sealed class DockerBottleBackendTests : IAsyncLifetime
{
    private const string Manifest = $$"""
        agents:
          shell:
            image: {{TestImages.AgentBase}}
            harness: claude
            prompt: "unused"
            limits: { memory: 256m, cpus: 0.5, pids: 128 }
          online:
            image: {{TestImages.AgentBase}}
            harness: claude
            egress: [example.org]
        """;

    private readonly BottleHarness _bottles = new(Manifest);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bottles.DisposeAsync();

    [Fact]
    public async Task Prepare_writes_metadata_with_the_label_and_colour_of_the_spec()
    {
        var bottle = await PrepareAsync("shell", label: "api refactor", color: "bright-magenta");

        var metadata = _bottles.State.ReadMetadata(bottle.Slug);
        Assert.Equal("api refactor", metadata.Label);
        Assert.Equal("bright-magenta", metadata.Color);
        Assert.Equal("shell", metadata.AgentName);
        Assert.Equal("docker", metadata.Backend);
    }

    [Fact]
    public async Task Removals_of_one_container_that_meet_all_succeed()
    {
        // A Worker reclaiming a dead attempt's job and the orphan sweep remove the same leftovers:
        // the engine answers the later removal 409 "already in progress", which is not a failure.
        var name = $"botbottle-removal-race-{Guid.NewGuid():N}"[..40];
        await _bottles.Docker.Containers.CreateContainerAsync(new CreateContainerParameters { Name = name, Image = TestImages.AgentBase, Cmd = ["sleep", "infinity"] });
        await _bottles.Docker.Containers.StartContainerAsync(name, new ContainerStartParameters());

        var removals = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _bottles.Docker.RemoveAsync(name, default)));

        Assert.Single(removals, removed => removed);
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _bottles.Docker.Containers.InspectContainerAsync(name));
    }

    [Fact]
    public async Task A_bottle_shares_its_internal_network_only_with_its_egress_proxy()
    {
        var bottle = await LaunchAsync("shell");

        var inspect = await _bottles.Docker.Containers.InspectContainerAsync(DockerNames.Container(bottle.Slug));
        var networkName = Assert.Single(inspect.NetworkSettings.Networks.Keys);
        var network = await _bottles.Docker.Networks.InspectNetworkAsync(networkName);
        var proxy = await _bottles.Docker.Containers.InspectContainerAsync(EgressSidecars.ContainerName(bottle.Slug));

        Assert.True(network.Internal);
        Assert.Equal("true", network.Options["com.docker.network.bridge.inhibit_ipv4"]);
        Assert.Equal(new[] { inspect.ID, proxy.ID }.Order(StringComparer.Ordinal), network.Containers.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Bottle_network_is_a_small_subnet_from_the_configured_pool()
    {
        var bottle = await LaunchAsync("shell");

        var network = await _bottles.Docker.Networks.InspectNetworkAsync(await NetworkOfAsync(bottle.Slug));

        var subnet = Assert.Single(network.IPAM.Config).Subnet;
        Assert.StartsWith("10.213.", subnet, StringComparison.Ordinal);
        Assert.EndsWith("/28", subnet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claude_json_in_the_bottle_carries_the_label_as_name_and_the_colour()
    {
        var bottle = await LaunchAsync("shell", label: "docs", color: "cyan");

        var read = await _bottles.Backend.ExecAsync(bottle.Slug, ["cat", $"{AgentPaths.Home}/{AgentPaths.ClaudeConfigFile}"], null, default);

        using var json = JsonDocument.Parse(read.StandardOutput);
        Assert.Equal("docs", json.RootElement.GetProperty("name").GetString());
        Assert.Equal("cyan", json.RootElement.GetProperty("color").GetString());
        Assert.True(json.RootElement.GetProperty("hasCompletedOnboarding").GetBoolean());
    }

    [Fact]
    public async Task Claude_json_omits_name_and_colour_when_none_were_given()
    {
        var bottle = await LaunchAsync("shell");

        var read = await _bottles.Backend.ExecAsync(bottle.Slug, ["cat", $"{AgentPaths.Home}/{AgentPaths.ClaudeConfigFile}"], null, default);

        using var json = JsonDocument.Parse(read.StandardOutput);
        Assert.False(json.RootElement.TryGetProperty("name", out _));
        Assert.False(json.RootElement.TryGetProperty("color", out _));
    }

    [Fact]
    public async Task Copied_working_directory_arrives_in_the_workspace_owned_by_the_agent()
    {
        var cwd = _bottles.Scratch("cwd");
        File.WriteAllText(Path.Combine(cwd, "README.md"), "hello from the host\n");
        Directory.CreateDirectory(Path.Combine(cwd, "src"));
        File.WriteAllText(Path.Combine(cwd, "src", "main.c"), "int main(){}\n");

        var bottle = await LaunchAsync("shell", workspace: WorkspaceSource.CopyOf(cwd));
        var read = await _bottles.Backend.ExecAsync(bottle.Slug, ["sh", "-c", "cat README.md && stat -c %u src/main.c && touch new-file"], null, default);

        Assert.Equal(0, read.ExitCode);
        Assert.Equal("hello from the host\n1000\n", read.StandardOutput);
    }

    [Fact]
    public async Task Git_clone_workspace_is_checked_out_at_the_requested_commit()
    {
        var repository = _bottles.Scratch("origin");
        var first = await GitRepo.CommitAsync(repository, "file.txt", "first\n");
        await GitRepo.CommitAsync(repository, "file.txt", "second\n");

        var bottle = await LaunchAsync("shell", workspace: WorkspaceSource.GitCloneOf(repository, first));
        var read = await _bottles.Backend.ExecAsync(bottle.Slug, ["cat", "file.txt"], null, default);

        Assert.Equal("first\n", read.StandardOutput);
    }

    [Fact]
    public async Task Exec_streams_each_output_line_as_it_comes()
    {
        var bottle = await LaunchAsync("shell");
        var lines = new List<OutputLine>();

        var outcome = await _bottles.Backend.ExecAsync(
            bottle.Slug, ["sh", "-c", "echo one; echo two >&2; echo three; exit 3"], new SynchronousProgress<OutputLine>(lines.Add), default);

        Assert.Equal(3, outcome.ExitCode);
        Assert.Equal(["one", "three"], lines.Where(l => l.Stream == OutputChannel.StandardOutput).Select(l => l.Text));
        Assert.Equal(["two"], lines.Where(l => l.Stream == OutputChannel.StandardError).Select(l => l.Text));
    }

    [Fact]
    public async Task Enumerate_lists_running_bottles_with_label_and_colour_from_metadata()
    {
        var labelled = await LaunchAsync("shell", label: "payments bug", color: "green");
        var plain = await LaunchAsync("shell");

        var agents = await _bottles.Backend.EnumerateAsync(default);

        var first = Assert.Single(agents, a => a.Slug == labelled.Slug);
        Assert.Equal(("payments bug", "green", BottleStatus.Running), (first.Label, first.Color, first.Status));
        var second = Assert.Single(agents, a => a.Slug == plain.Slug);
        Assert.Equal(("", "", "shell"), (second.Label, second.Color, second.DisplayName));
    }

    [Fact]
    public async Task Enumerate_reports_a_bottle_whose_container_vanished()
    {
        var bottle = await LaunchAsync("shell", label: "ghost");
        await _bottles.Docker.Containers.RemoveContainerAsync(DockerNames.Container(bottle.Slug), new ContainerRemoveParameters { Force = true });

        var agents = await _bottles.Backend.EnumerateAsync(default);

        var ghost = Assert.Single(agents, a => a.Slug == bottle.Slug);
        Assert.Equal(BottleStatus.Vanished, ghost.Status);
        Assert.Equal("ghost", ghost.Label);
    }

    [Fact]
    public async Task Teardown_removes_container_and_network_and_keeps_the_state_directory()
    {
        var bottle = await LaunchAsync("shell");
        var network = await NetworkOfAsync(bottle.Slug);

        await _bottles.Backend.TeardownAsync(bottle.Slug, deleteState: false, default);

        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _bottles.Docker.Containers.InspectContainerAsync(DockerNames.Container(bottle.Slug)));
        await Assert.ThrowsAnyAsync<DockerApiException>(() => _bottles.Docker.Networks.InspectNetworkAsync(network));
        Assert.True(File.Exists(_bottles.State.MetadataPath(bottle.Slug)));
        Assert.DoesNotContain(await _bottles.Backend.EnumerateAsync(default), a => a.Slug == bottle.Slug);
    }

    [Fact]
    public async Task Teardown_with_state_deletion_removes_the_state_directory()
    {
        var bottle = await LaunchAsync("shell");

        await _bottles.Backend.TeardownAsync(bottle.Slug, deleteState: true, default);

        Assert.False(Directory.Exists(_bottles.State.BottleDir(bottle.Slug)));
    }

    [Fact]
    public async Task Teardown_of_an_unknown_slug_says_there_is_no_such_bottle()
    {
        var error = await Assert.ThrowsAsync<BottleNotFoundException>(() => _bottles.Backend.TeardownAsync("f00d", deleteState: false, default));

        Assert.Equal("f00d", error.Slug);
    }

    [Fact]
    public async Task Bottles_with_an_egress_allowlist_are_isolated_too_and_listed_with_their_proxy()
    {
        var first = await LaunchAsync("online");
        var second = await LaunchAsync("online");

        var networks = new[] { await NetworkOfAsync(first.Slug), await NetworkOfAsync(second.Slug) };

        Assert.NotEqual(networks[0], networks[1]);
        Assert.True((await _bottles.Docker.Networks.InspectNetworkAsync(networks[0])).Internal);
        Assert.Equal(["egress", "secret-scan"], (await _bottles.Backend.EnumerateAsync(default)).Single(a => a.Slug == first.Slug).Services);
    }

    [Fact]
    public async Task A_launch_whose_proxy_cannot_start_fails_clearly_and_leaves_nothing_running()
    {
        await using var bottles = new BottleHarness(Manifest);
        bottles.Egress.Image = "botbottle/egress:does-not-exist";
        var spec = new BottleSpec(bottles.Manifest, "shell", false, "/home/operator/project", "test", "", "");
        var bottle = await bottles.Backend.PrepareAsync(spec, WorkspaceSource.Empty, default);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bottles.Backend.LaunchAsync(bottle, default));

        Assert.Contains("build/images/egress.sh", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => bottles.Docker.Containers.InspectContainerAsync(DockerNames.Container(bottle.Slug)));
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => bottles.Docker.Containers.InspectContainerAsync(EgressSidecars.ContainerName(bottle.Slug)));
        // Other test classes run bottles on the same engine at the same time: look for this one only.
        Assert.DoesNotContain(await bottles.Backend.EnumerateAsync(default), a => a.Slug == bottle.Slug);
        Assert.Null(RuntimeRecord.TryRead(bottle.StateDirectory));
    }

    [Fact]
    public async Task Spares_left_by_a_crashed_Worker_on_this_machine_are_given_back_at_start()
    {
        var dead = $"{Environment.MachineName}-{int.MaxValue - 7}";
        var orphan = await SpareNetworkAsync(dead);
        var ours = await SpareNetworkAsync(OwnerProcess.ThisProcess);
        // Labelled as a real standby is: other test classes' Workers sweep concurrently, and one may
        // take the orphan network before this sweep; the standby must go all the same.
        await _bottles.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"botbottle-egress-standby-{orphan}",
            Image = TestImages.AgentBase,
            Cmd = ["sleep", "infinity"],
            Labels = new Dictionary<string, string> { [EgressSidecars.ForLabel] = "sidecar", [OwnerProcess.Label] = dead },
            HostConfig = new HostConfig { NetworkMode = orphan },
        });

        await _bottles.Backend.SweepOrphansAsync(default);

        await Assert.ThrowsAsync<DockerNetworkNotFoundException>(() => _bottles.Docker.Networks.InspectNetworkAsync(orphan));
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _bottles.Docker.Containers.InspectContainerAsync($"botbottle-egress-standby-{orphan}"));
        Assert.NotNull(await _bottles.Docker.Networks.InspectNetworkAsync(ours));
        await _bottles.Docker.Networks.DeleteNetworkAsync(ours);
    }

    private async Task<string> SpareNetworkAsync(string owner)
    {
        var name = $"botbottle-net-test{Guid.NewGuid().ToString("N")[..6]}";
        await _bottles.Docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = name,
            Internal = true,
            Labels = new Dictionary<string, string> { [OwnerProcess.Label] = owner },
        });
        return name;
    }

    [Fact]
    public async Task Teardown_removes_the_egress_proxy_with_the_bottle()
    {
        var bottle = await LaunchAsync("shell");

        await _bottles.Backend.TeardownAsync(bottle.Slug, deleteState: false, default);

        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() =>
            _bottles.Docker.Containers.InspectContainerAsync(EgressSidecars.ContainerName(bottle.Slug)));
    }

    [Fact]
    public async Task No_two_bottles_share_a_network()
    {
        var bottles = new[] { await LaunchAsync("shell"), await LaunchAsync("shell"), await LaunchAsync("shell") };

        var networks = new List<string>();
        foreach (var bottle in bottles)
        {
            networks.Add(await NetworkOfAsync(bottle.Slug));
        }

        Assert.Equal(3, networks.Distinct().Count());
    }

    private async Task<string> NetworkOfAsync(string slug)
    {
        var inspect = await _bottles.Docker.Containers.InspectContainerAsync(DockerNames.Container(slug));
        return Assert.Single(inspect.NetworkSettings.Networks.Keys);
    }

    private async Task<PreparedBottle> PrepareAsync(string agent, string label = "", string color = "", WorkspaceSource? workspace = null)
    {
        var spec = new BottleSpec(_bottles.Manifest, agent, workspace is WorkspaceSource.CopiedDirectory, "/home/operator/project", "test", label, color);
        return await _bottles.Backend.PrepareAsync(spec, workspace ?? WorkspaceSource.Empty, default);
    }

    private async Task<PreparedBottle> LaunchAsync(string agent, string label = "", string color = "", WorkspaceSource? workspace = null)
    {
        var bottle = await PrepareAsync(agent, label, color, workspace);
        await _bottles.Backend.LaunchAsync(bottle, default);
        return bottle;
    }
}
