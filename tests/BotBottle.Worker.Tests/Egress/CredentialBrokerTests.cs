using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Core.Harnesses;
using BotBottle.Testing;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Egress;
using BotBottle.Worker.Runs;
using BotBottle.Worker.Tests.Support;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Tests.Egress;

/// <summary>
/// The model API key never enters a bottle: the real Claude Code CLI in a real bottle reaches a
/// scripted Anthropic server through its sidecar, which adds the key; the bottle holds a placeholder.
/// The server speaks HTTPS with a certificate from a private CA, as the model API would (the
/// operator's BotBottle:Egress:UpstreamCaFile names the CA).
/// The key is given as an operator gives it (the Worker's BotBottle:AgentEnvironment, where the
/// AppHost's anthropic-api-key parameter lands) and holds the characters Squid treats specially.
/// </summary>
public sealed class CredentialBrokerTests : IAsyncLifetime
{
    private const string ClaudeAgentManifestHost = "host.botbottle.internal";

    private static readonly string Marker = Guid.NewGuid().ToString("N");
    private static readonly string Key = $"sk-ant-api03-{Marker}-%41\"\\x";

    private readonly RedisServer _redis = new();
    private readonly RecordingEvents _events = new();
    private ScriptedAnthropicServer _model = null!;
    private System.Security.Cryptography.X509Certificates.X509Certificate2? _certificate;
    private BottleHarness _bottles = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        var certificates = TestCertificates.For(ClaudeAgentManifestHost);
        _certificate = certificates.ServerCertificate();
        _model = await ScriptedAnthropicServer.StartAsync(_certificate);
        _bottles = new BottleHarness(
            ClaudeAgentManifest.For(_model.Port)
                .Replace("ANTHROPIC_API_KEY", "UNRELATED_VARIABLE", StringComparison.Ordinal)
                .Replace($"http://{ClaudeAgentManifestHost}", $"https://{ClaudeAgentManifestHost}", StringComparison.Ordinal),
            options => options.AgentEnvironment["ANTHROPIC_API_KEY"] = Key);
        var ca = Path.Combine(_bottles.Scratch("upstream"), "ca.pem");
        await File.WriteAllTextAsync(ca, certificates.CaPem);
        _bottles.Egress.UpstreamCaFile = ca;
    }

    public async Task DisposeAsync()
    {
        await _bottles.DisposeAsync();
        await _model.DisposeAsync();
        _certificate?.Dispose();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_run_reaches_its_model_api_with_the_real_key_added_by_the_sidecar()
    {
        var run = await _bottles.Runner(_events, _redis.Connection)
            .RunAsync(new BottleRequest("claude", WorkspaceSource.Empty), "Say hello.", "job-broker", null, default);

        Assert.True(run.Harness!.Succeeded, run.Harness.ResultText);
        var messages = _model.Requests.Where(r => r.Path == "/v1/messages").ToList();
        Assert.NotEmpty(messages);
        Assert.All(messages, r => Assert.Equal([$"x-api-key: {Key}"], r.Credentials));
    }

    [Fact]
    public async Task The_key_is_nowhere_in_the_bottle_and_credentials_the_bottle_sends_are_replaced_also_after_a_reload()
    {
        var bottle = await _bottles.Backend.PrepareAsync(
            new BottleSpec(_bottles.Manifest, "claude", false, "/home/operator/project", "test"), WorkspaceSource.Empty, default);
        await _bottles.Backend.LaunchAsync(bottle, default);

        // Not in the bottle's configuration, its processes' environments, or anywhere it can write
        // (its root filesystem is read-only: the image cannot hold it).
        var inspect = await _bottles.Docker.Containers.InspectContainerAsync(DockerNames.Container(bottle.Slug));
        Assert.DoesNotContain(inspect.Config.Env, e => e.Contains(Marker, StringComparison.Ordinal));
        Assert.Contains($"ANTHROPIC_API_KEY={CredentialBroker.Placeholder}", inspect.Config.Env);
        var search = await _bottles.BashAsync(bottle, $"cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c -- {Marker}; grep -rls -D skip -- {Marker} /home /tmp /var/tmp /run /etc; true");
        Assert.Equal("0", search.StandardOutput.Trim());

        // Not in the sidecar's configuration either: only in a file no one but Squid's user (and root, validating) reads.
        var sidecar = EgressSidecars.ContainerName(bottle.Slug);
        var sidecarInspect = await _bottles.Docker.Containers.InspectContainerAsync(sidecar);
        Assert.DoesNotContain(sidecarInspect.Config.Env, e => e.Contains(Marker, StringComparison.Ordinal));
        Assert.Equal("proxy root 440", (await DockerExecAsync(sidecar, "stat", "-c", "%U %G %a", SquidConfig.CredentialsPath)).Trim());

        // Whatever credential the bottle sends its API is dropped; the sidecar sends the real one, once.
        await ProbeApiAsync(bottle, "/v1/models/first");
        Assert.Equal([$"x-api-key: {Key}"], _model.Requests.Single(r => r.Path == "/v1/models/first").Credentials);

        // A policy reload rewrites squid.conf from the runtime record; the route and the key stay.
        var current = new BottleEgressPolicies(_bottles.State).For(bottle.Slug, _bottles.Manifest)!;
        Assert.NotNull(current.Policy.BrokeredApi);
        await _bottles.Sidecars.ReloadAsync(bottle.Slug, current.Network, current.Policy, default);
        await ProbeApiAsync(bottle, "/v1/models/second");
        Assert.Equal([$"x-api-key: {Key}"], _model.Requests.Single(r => r.Path == "/v1/models/second").Credentials);

        // Nor in the state directory, the sidecar's log, or the bottle's.
        Assert.DoesNotContain(Directory.EnumerateFiles(bottle.StateDirectory, "*", SearchOption.AllDirectories),
            file => File.ReadAllText(file).Contains(Marker, StringComparison.Ordinal));
        Assert.DoesNotContain(Marker, await _bottles.LogsAsync(sidecar), StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, await _bottles.LogsAsync(DockerNames.Container(bottle.Slug)), StringComparison.Ordinal);
    }

    /// <summary>A GET to the harness's API base URL from inside the bottle, carrying credentials of the bottle's own.</summary>
    private async Task ProbeApiAsync(PreparedBottle bottle, string path)
    {
        const string script = """
            api=${ANTHROPIC_BASE_URL#http://}
            exec 3<>"/dev/tcp/${api%:*}/${api##*:}" || exit 7
            printf 'GET %s HTTP/1.1\r\nHost: api.anthropic.com\r\nX-Api-Key: stolen-by-the-agent\r\nX-Api-Key: %s\r\nAuthorization: Bearer stolen\r\nConnection: close\r\n\r\n' "$1" "$ANTHROPIC_API_KEY" >&3
            timeout 10 cat <&3
            """;
        var response = await _bottles.Backend.ExecAsync(bottle.Slug, ["bash", "-c", script, "probe", path], null, default);
        Assert.StartsWith("HTTP/1.1 404", response.StandardOutput, StringComparison.Ordinal);
    }


    private async Task<string> DockerExecAsync(string container, params string[] command)
    {
        var exec = await _bottles.Docker.Exec.ExecCreateContainerAsync(container, new ContainerExecCreateParameters
        {
            Cmd = command,
            User = "root",
            AttachStdout = true,
            AttachStderr = true,
        });
        using var stream = await _bottles.Docker.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(default);
        return stdout + stderr;
    }

}
