using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BotBottle.EndToEnd.Tests.AppHost;

/// <summary>
/// Starts the whole AppHost (Redis container, Worker, Web) once for every test in the collection:
/// starting it takes seconds and stopping it as long again, so one per test would dominate the run.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>The developer's AppHost user secrets before the AppHost started.</summary>
    public string? SecretsBefore { get; private set; }

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        SecretsBefore = TestParameters.DeveloperSecrets();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.BotBottle_AppHost>(
            TestParameters.Args("--environment", "Testing"), cts.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        await Task.WhenAll(
            _app.ResourceNotifications.WaitForResourceHealthyAsync("redis", cts.Token),
            _app.ResourceNotifications.WaitForResourceHealthyAsync("worker", cts.Token),
            _app.ResourceNotifications.WaitForResourceHealthyAsync("web", cts.Token));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedAppHost : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}
