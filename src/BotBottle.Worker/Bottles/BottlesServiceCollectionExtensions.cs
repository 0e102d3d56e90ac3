using BotBottle.Core.Backends;
using BotBottle.Core.State;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Bottles.Gvisor;
using BotBottle.Worker.Bottles.Workspace;
using BotBottle.Worker.Egress;
using BotBottle.Worker.Events;
using BotBottle.Worker.Gitea;
using BotBottle.Worker.PullRequests;
using BotBottle.Worker.Jobs;
using BotBottle.Worker.LocalModels;
using BotBottle.Worker.Manifests;
using BotBottle.Worker.Runs;
using BotBottle.Queue.Events;
using Docker.DotNet;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Bottles;

public static class BottlesServiceCollectionExtensions
{
    /// <summary>The Docker backend, the runner and the job consumer that feeds it from Redis.</summary>
    public static IServiceCollection AddDockerBottles(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<BottleOptions>(configuration.GetSection(BottleOptions.Section));
        services.Configure<JobOptions>(configuration.GetSection(JobOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IDockerClient>(sp => CreateDockerClient(sp.GetRequiredService<IOptions<BottleOptions>>().Value));
        services.AddSingleton(sp => new BottleStateStore(sp.GetRequiredService<IOptions<BottleOptions>>().Value.StateRoot));
        services.AddSingleton<WorkspaceProvisioner>();
        services.Configure<EgressOptions>(configuration.GetSection(EgressOptions.Section));
        services.AddSingleton<EgressCertificateAuthority>();
        services.AddSingleton<EgressSidecars>();
        services.AddSingleton<BottleEgressPolicies>();
        services.AddSingleton<GvisorRuntime>();
        services.AddSingleton<IBottleBackend, DockerBottleBackend>();
        services.AddSingleton<ManifestSource>();
        services.AddSingleton<EventLog>();
        services.AddSingleton<BotBottle.Queue.Runs.RunHistory>();
        services.AddSingleton<IBottleEvents, RedisBottleEvents>();
        services.AddSingleton<BottleDirectory>();
        services.Configure<LocalModelOptions>(configuration.GetSection(LocalModelOptions.Section));
        services.AddSingleton<LocalModelWiring>();
        services.AddSingleton<GitRemoteBroker>();
        services.AddSingleton<BudgetGuard>();
        services.AddSingleton<BottleRunner>();
        services.AddSingleton<JobExecutor>();
        services.AddSingleton<JobCompletion>();
        services.Configure<RunPricing>(pricing => configuration.GetSection(RunPricing.Section).Bind(pricing.Prices));
        services.AddSingleton<RunRecords>();
        services.AddSingleton<RunMetrics>();
        services.Configure<PullRequestOptions>(configuration.GetSection(PullRequestOptions.Section));
        services.Configure<GiteaOptions>(configuration.GetSection(GiteaOptions.Section));
        services.AddSingleton<PrSessionRegistry>();
        services.AddSingleton<PrDispatcher>();
        services.AddSingleton<PrTrust>();
        services.AddHttpClient<GiteaPermissions>();
        services.AddSingleton<ForkApprovals>();
        services.AddHttpClient<GiteaPullRequests>();
        services.AddSingleton<PrTurns>();
        // The client retries itself, checking for the comment first; the default resilience
        // handler's blind retry of a POST could post twice. The removal API is still marked
        // experimental, but it is the documented way to opt one client out.
#pragma warning disable EXTEXP0001
        services.AddHttpClient<GiteaCommentClient>().RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddHostedService<NetworkWarmup>();
        services.AddHostedService<BottleReconciler>();
        services.AddHostedService<ManifestAnnouncer>();
        services.AddHostedService<BackendAnnouncer>();
        services.AddHostedService<JobConsumer>();
        services.AddHostedService<PrQueuePump>();
        services.AddHostedService<EgressMonitor>();
        services.AddHostedService<EgressPolicyReloader>();
        services.AddHealthChecks().AddCheck<DockerHealthCheck>("docker");
        return services;
    }

    /// <summary>No API version is pinned: the client negotiates, so older engines (API 1.41) work.</summary>
    public static DockerClient CreateDockerClient(BottleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var configuration = string.IsNullOrWhiteSpace(options.DockerEndpoint)
            ? new DockerClientConfiguration()
            : new DockerClientConfiguration(new Uri(options.DockerEndpoint));
        return configuration.CreateClient();
    }
}
