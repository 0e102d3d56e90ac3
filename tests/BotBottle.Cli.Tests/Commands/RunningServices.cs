using BotBottle.Testing;

namespace BotBottle.Cli.Tests.Commands;

/// <summary>Redis, a Worker on the real engine, a Web and a scripted model server: what the CLI talks to. Started once for the CLI tests.</summary>
public sealed class RunningServices : IAsyncLifetime
{
    public const string Token = "cli-test-token";

    private readonly TempDirectory _root = new("botbottle-cli");

    public RedisServer Redis { get; } = new();

    public ScriptedAnthropicServer Model { get; private set; } = null!;

    public ServiceProcess Worker { get; private set; } = null!;

    public ServiceProcess Web { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Model = await ScriptedAnthropicServer.StartAsync();
        var manifest = _root.Combine("agents.yaml");
        await File.WriteAllTextAsync(manifest, ClaudeAgentManifest.For(Model.Port));
        Worker = ServiceProcess.Start("BotBottle.Worker.dll", new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = Redis.ConnectionString,
            ["BotBottle__StateRoot"] = _root.Combine("state"),
            ["BotBottle__ManifestPath"] = manifest,
            ["BotBottle__Jobs__PollInterval"] = "00:00:00.050",
        });
        Web = ServiceProcess.Start("BotBottle.Web.dll", new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = Redis.ConnectionString,
            ["BotBottle__Auth__ApiToken"] = Token,
        });
        await Task.WhenAll(Worker.WaitUntilAliveAsync(TimeSpan.FromSeconds(60)), Web.WaitUntilAliveAsync(TimeSpan.FromSeconds(60)));
    }

    public async Task DisposeAsync()
    {
        if (Web is not null)
        {
            await Web.DisposeAsync();
        }

        if (Worker is not null)
        {
            await Worker.DisposeAsync();
        }

        if (Model is not null)
        {
            await Model.DisposeAsync();
        }

        await Redis.DisposeAsync();
        _root.Dispose();
    }
}
