using System.Globalization;
using BotBottle.Core.Backends;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Testing;
using BotBottle.Worker.Egress;

namespace BotBottle.Worker.Tests.Egress;

/// <summary>
/// What a bottle can reach, tried from inside it on the real engine: through its proxy (the
/// HTTP_PROXY it is given) and directly. The stand-in internet is a busybox httpd on the sidecars'
/// outside network.
/// </summary>
[Collection(EgressScene.Name)]
public sealed class EgressTests(EgressWorld world)
{
    private const string FakeAnthropicKey = "sk-ant-api03-Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXk";

    [Fact]
    public async Task Allowlisted_host_answers_through_the_proxy()
    {
        var response = await GetAsync("http://allowed.botbottle.test:8080/");

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains(EgressWorld.Page, response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bottle_is_told_to_use_its_sidecar_as_proxy()
    {
        var env = await ExecAsync(world.Probe, "printf '%s|%s' \"$HTTP_PROXY\" \"$HTTPS_PROXY\"");

        var record = Worker.Bottles.RuntimeRecord.TryRead(world.Probe.StateDirectory)!;
        var proxy = $"http://{SubnetPool.AddressIn(record.Subnet!, EgressSidecars.ProxyOffset)}:3128";
        Assert.Equal($"{proxy}|{proxy}", env.StandardOutput);
        Assert.Contains("egress", record.Services);
    }

    [Fact]
    public async Task Host_not_on_the_allowlist_is_refused()
    {
        Assert.StartsWith("HTTP/1.1 403", await GetAsync("http://other.botbottle.test:8080/"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", await GetAsync("http://allowed.botbottle.test:8081/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tunnels_go_only_to_tls_ports_of_allowlisted_hosts_and_only_http_and_https_are_spoken()
    {
        // A tunnel to a plain-HTTP port would carry requests the scanner never sees, even when the
        // harness's API listens on that port elsewhere (the probe's API is on 8080 of another host).
        var plainPort = await RequestAsync("CONNECT", "allowed.botbottle.test:8080", "allowed.botbottle.test:8080");
        var notAllowlisted = await RequestAsync("CONNECT", "evil.example.com:443", "evil.example.com:443");
        var whois = await RequestAsync("GET", "whois://allowed.botbottle.test:8080/", "allowed.botbottle.test:8080");
        var ftp = await RequestAsync("GET", "ftp://allowed.botbottle.test:8080/", "allowed.botbottle.test:8080");

        Assert.All([plainPort, notAllowlisted, whois, ftp], r => Assert.StartsWith("HTTP/1.1 403", r, StringComparison.Ordinal));
        var denial = await EventuallyAsync(() => world.Events.All.FirstOrDefault(e =>
            e.Kind == BottleEventKind.EgressDenied && e.Slug == world.Probe.Slug && e.Data?.GetValueOrDefault("reason") == "tunnel-port"));
        Assert.Equal("denied CONNECT allowed.botbottle.test:8080: tunnels go only to TLS ports (443 and the agent's tlsPorts)", denial.Message);
    }

    [Fact]
    public async Task An_allowlisted_name_in_private_address_space_is_refused_unless_that_address_is_opened()
    {
        var intranet = await GetAsync("http://intranet.botbottle.test:8080/");
        var opened = await GetAsync("http://allowed.botbottle.test:8080/");

        Assert.StartsWith("HTTP/1.1 403", intranet, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", opened, StringComparison.Ordinal);
        var denial = await EventuallyAsync(() => world.Events.All.FirstOrDefault(e =>
            e.Kind == BottleEventKind.EgressDenied && e.Slug == world.Probe.Slug && e.Data?.GetValueOrDefault("host") == "intranet.botbottle.test"));
        Assert.Equal("forbidden-address", denial.Data!["reason"]);
    }

    [Fact]
    public async Task The_sidecars_own_connections_are_held_to_the_policy_by_its_packet_filter_and_squid_keeps_no_capability()
    {
        // What Squid could reach if a name it resolved changed its answer after the check: only
        // what the policy opens, enforced by the kernel on the connection itself.
        const string connect = "timeout 3 bash -c 'exec 3<>/dev/tcp/{0}/8080' 2>/dev/null && echo open || echo refused";
        var intranet = await SidecarExecAsync(string.Format(CultureInfo.InvariantCulture, connect, world.IntranetAddress));
        var internet = await SidecarExecAsync(string.Format(CultureInfo.InvariantCulture, connect, world.InternetAddress));
        var squid = await SidecarExecAsync("grep -E '^(Uid|CapEff|CapBnd):' /proc/1/status");

        Assert.Equal("refused", intranet.Trim());
        Assert.Equal("open", internet.Trim());
        Assert.Matches(@"Uid:\s+13\s", squid);
        Assert.Contains("CapEff:\t0000000000000000", squid, StringComparison.Ordinal);
        Assert.Contains("CapBnd:\t0000000000000000", squid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_ip_host_address_metadata_service_and_another_bottle_are_refused_by_the_proxy()
    {
        var neighbour = EgressWorld.AddressOf(world.Neighbour);
        foreach (var url in (string[])[
            $"http://{world.InternetAddress}:8080/",
            $"http://{world.OutsideGateway}:8080/",
            "http://169.254.169.254/latest/meta-data/",
            $"http://{neighbour}:8080/",
            "http://host.botbottle.internal:8080/"])
        {
            Assert.StartsWith("HTTP/1.1 403", await GetAsync(url), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Nothing_is_reachable_without_the_proxy()
    {
        var neighbour = EgressWorld.AddressOf(world.Neighbour);
        foreach (var (address, port) in (ValueTuple<string, int>[])[
            (world.InternetAddress, 8080), (world.OutsideGateway, 8080), ("169.254.169.254", 80), (neighbour, 22), ("1.1.1.1", 53)])
        {
            var probe = await ExecAsync(world.Probe, $"timeout 3 bash -c 'exec 3<>/dev/tcp/{address}/{port}' && echo open || echo closed");
            Assert.Equal("closed", probe.StandardOutput.Trim());
        }

        var dns = await ExecAsync(world.Probe, "getent hosts allowed.botbottle.test || echo unresolved");
        Assert.Equal("unresolved", dns.StandardOutput.Trim());
        var ipv6 = await ExecAsync(world.Probe, "cat /proc/sys/net/ipv6/conf/all/disable_ipv6");
        Assert.Equal("1", ipv6.StandardOutput.Trim());
    }

    [Fact]
    public async Task Request_carrying_an_api_key_in_a_header_is_blocked_reported_and_counted()
    {
        var response = await GetAsync("http://allowed.botbottle.test:8080/", $"X-Api-Key: {FakeAnthropicKey}\\r\\n");

        Assert.StartsWith("HTTP/1.1 403", response, StringComparison.Ordinal);
        var denial = await EventuallyAsync(() => world.Events.All.FirstOrDefault(e =>
            e.Kind == BottleEventKind.EgressDenied && e.Slug == world.Probe.Slug && e.Data?.GetValueOrDefault("reason") == "credential"));
        Assert.Equal("anthropic-api-key", denial.Data!["credential"]);
        Assert.Equal("allowed.botbottle.test", denial.Data["host"]);
        Assert.DoesNotContain(FakeAnthropicKey, denial.Message, StringComparison.Ordinal);
        var count = await world.Redis.Connection.GetDatabase().HashGetAsync(QueueNames.EgressDenied, world.Probe.Slug);
        Assert.True((long)count >= 1);
    }

    [Fact]
    public async Task Api_key_in_the_query_string_is_blocked()
    {
        var response = await GetAsync($"http://allowed.botbottle.test:8080/?key={FakeAnthropicKey}");

        Assert.StartsWith("HTTP/1.1 403", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Denied_host_becomes_an_event_naming_the_destination_and_reason()
    {
        await GetAsync("http://other.botbottle.test:8080/denied-for-the-event");

        var denial = await EventuallyAsync(() => world.Events.All.FirstOrDefault(e =>
            e.Kind == BottleEventKind.EgressDenied && e.Slug == world.Probe.Slug && e.Data?.GetValueOrDefault("host") == "other.botbottle.test"));
        Assert.Equal("not-allowlisted", denial.Data!["reason"]);
        Assert.Equal("denied GET other.botbottle.test:8080: not on the allowlist", denial.Message);
        Assert.DoesNotContain("denied-for-the-event", denial.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allowlist_change_is_applied_to_the_running_bottle_without_restarting_it()
    {
        var container = DockerNames.Container(world.Probe.Slug);
        var before = await world.Bottles.Docker.Containers.InspectContainerAsync(container);
        Assert.StartsWith("HTTP/1.1 403", await GetAsync("http://late.botbottle.test:8080/"), StringComparison.Ordinal);

        await File.WriteAllTextAsync(world.Bottles.ManifestPath, world.Manifest("late.botbottle.test:8080"));
        await world.Reloader.ReloadAllAsync(default);

        var response = await EventuallyAsync(async () =>
        {
            var answer = await GetAsync("http://late.botbottle.test:8080/");
            return answer.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) ? answer : null;
        });
        Assert.Contains(EgressWorld.Page, response, StringComparison.Ordinal);
        var after = await world.Bottles.Docker.Containers.InspectContainerAsync(container);
        Assert.Equal(before.State.StartedAt, after.State.StartedAt);
        Assert.True(after.State.Running);
        // The reloaded scanner still knows every pattern, the last one in its file included.
        var lastPattern = Uri.EscapeDataString(CredentialSamples.All[^1].Text);
        Assert.StartsWith("HTTP/1.1 403", await GetAsync($"http://late.botbottle.test:8080/?k={lastPattern}"), StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="script"/> in the probe's sidecar as Squid's user (proxy).</summary>
    private async Task<string> SidecarExecAsync(string script)
    {
        var docker = world.Bottles.Docker;
        var exec = await docker.Exec.ExecCreateContainerAsync(EgressSidecars.ContainerName(world.Probe.Slug), new Docker.DotNet.Models.ContainerExecCreateParameters
        {
            Cmd = ["bash", "-c", script],
            User = "proxy",
            AttachStdout = true,
            AttachStderr = true,
        });
        using var stream = await docker.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false);
        var (stdout, _) = await stream.ReadOutputToEndAsync(default);
        return stdout;
    }

    private Task<string> GetAsync(string url, string headers = "") =>
        RequestAsync("GET", url, new Uri(url).Authority, headers);

    private async Task<string> RequestAsync(string method, string target, string host, string headers = "")
    {
        var result = await world.Bottles.Backend.ExecAsync(
            world.Probe.Slug, ProxyProbe.Command(method, target, host, headers), null, default);
        return result.StandardOutput;
    }

    private Task<ExecOutcome> ExecAsync(PreparedBottle bottle, string script) =>
        world.Bottles.Backend.ExecAsync(bottle.Slug, ["bash", "-c", script], null, default);

    private static Task<T> EventuallyAsync<T>(Func<T?> probe) where T : class => EgressWaits.EventuallyAsync(probe);

    private static Task<T> EventuallyAsync<T>(Func<Task<T?>> probe) where T : class => EgressWaits.EventuallyAsync(probe);
}
