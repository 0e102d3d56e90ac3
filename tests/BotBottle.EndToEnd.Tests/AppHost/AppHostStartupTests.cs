using StackExchange.Redis;

namespace BotBottle.EndToEnd.Tests.AppHost;

[Collection(SharedAppHost.Name)]
public sealed class AppHostStartupTests(AppHostFixture fixture)
{
    [Fact]
    public void Running_the_AppHost_in_the_tests_leaves_the_developers_user_secrets_as_they_were()
    {
        Assert.Equal(fixture.SecretsBefore, TestParameters.DeveloperSecrets());
    }

    [Fact]
    public async Task Web_reports_healthy_on_its_health_endpoint()
    {
        using var http = fixture.App.CreateHttpClient("web");

        using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Web_api_refuses_anonymous_callers()
    {
        using var http = fixture.App.CreateHttpClient("web");

        using var response = await http.GetAsync(new Uri("/api/bottles", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Worker_reports_healthy_on_its_health_endpoint()
    {
        using var http = fixture.App.CreateHttpClient("worker");

        using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Worker_announces_itself_in_the_Redis_the_AppHost_started()
    {
        var connectionString = await fixture.App.GetConnectionStringAsync("redis")
            ?? throw new InvalidOperationException("redis has no connection string");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var server = redis.GetServers()[0];

        var workers = await PollAsync(() => server.KeysAsync(pattern: "botbottle:workers:*").ToArrayAsync().AsTask());

        Assert.NotEmpty(workers);
    }

    [Fact]
    public async Task Redis_appends_every_write_to_its_log_and_evicts_only_keys_that_expire()
    {
        var connectionString = await fixture.App.GetConnectionStringAsync("redis")
            ?? throw new InvalidOperationException("redis has no connection string");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true");
        var server = redis.GetServers()[0];

        var settings = (await server.ConfigGetAsync("*")).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        // The queue, the PR registry and its order survive a restart of Redis, and a full Redis
        // refuses writes rather than evicting them (they carry no expiry; results and markers do).
        Assert.Equal("yes", settings["appendonly"]);
        Assert.Equal("everysec", settings["appendfsync"]);
        Assert.Equal("volatile-lru", settings["maxmemory-policy"]);
        Assert.NotEqual("0", settings["maxmemory"]);
    }

    private static async Task<RedisKey[]> PollAsync(Func<Task<RedisKey[]>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        RedisKey[] result;
        do
        {
            result = await read();
            if (result.Length > 0)
            {
                return result;
            }
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        return result;
    }
}
