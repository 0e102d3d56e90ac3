namespace BotBottle.Worker.Heartbeat;

public static class HeartbeatServiceCollectionExtensions
{
    public static IServiceCollection AddWorkerHeartbeat(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<HeartbeatOptions>(configuration.GetSection(HeartbeatOptions.Section));
        services.AddSingleton(WorkerIdentity.ForThisProcess());
        services.AddSingleton(TimeProvider.System);
        services.AddHostedService<WorkerHeartbeatService>();
        return services;
    }
}
