using BotBottle.Core.Jobs;
using BotBottle.Testing;
using StackExchange.Redis;

namespace BotBottle.Web.Tests.Webhooks;

/// <summary>One real Redis and one real Web process for the webhook tests; each test starts from an empty Redis.</summary>
public sealed class RunningWeb : IAsyncLifetime
{
    public const string Secret = "gitea-webhook-test-secret";

    public const string ApiToken = "api-test-token-7f3c";

    public const string TeamSecret = "team-secret-for-api-tests";

    public static readonly string[] Repositories =
    [
        "example/example", "Aneesh-Hegde/gitea-webhook", "anbraten/test-repo", "a_nice_user/hello_world_ci",
        "test_it/test_ci_thing", "test-ci/multi-line-secrets", "gogits/hello-world", "jcitizen/my-repo",
    ];

    public RedisServer Redis { get; } = new();

    public ServiceProcess Web { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Web = StartWeb(Redis.ConnectionString, Secret);
        await Web.WaitUntilAliveAsync(TimeSpan.FromSeconds(60));
        Http = new HttpClient { BaseAddress = Web.Url };
    }

    public static ServiceProcess StartWeb(string redis, string? secret)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__redis"] = redis,
            ["BotBottle__Webhooks__Gitea__BotLogin"] = "botbottle",
            ["BotBottle__Webhooks__Gitea__Agent"] = "pr-reviewer",
            ["BotBottle__Webhooks__Gitea__MaxBodyBytes"] = "262144",
            ["BotBottle__Auth__ApiToken"] = ApiToken,
            ["BotBottle__Auth__TeamSecret"] = TeamSecret,
        };
        if (secret is not null)
        {
            settings["BotBottle__Webhooks__Gitea__Secret"] = secret;
        }

        for (var i = 0; i < Repositories.Length; i++)
        {
            settings[$"BotBottle__Webhooks__Gitea__Repositories__{i}"] = Repositories[i];
        }

        return ServiceProcess.Start("BotBottle.Web.dll", settings);
    }

    public async Task ResetAsync() => await Redis.Connection.GetServers()[0].FlushDatabaseAsync();

    public async Task<IReadOnlyList<BottleJob>> QueuedJobsAsync()
    {
        var entries = await Redis.Connection.GetDatabase().StreamRangeAsync(QueueNames.JobStream);
        return [.. entries.Select(e => BotBottleJson.Deserialize<BottleJob>(e[QueueNames.PayloadField]!))];
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Web is not null)
        {
            await Web.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }
}
