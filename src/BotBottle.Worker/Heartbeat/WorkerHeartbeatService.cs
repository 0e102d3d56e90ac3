using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BotBottle.Worker.Heartbeat;

/// <summary>
/// Keeps <c>botbottle:workers:&lt;id&gt;</c> alive in Redis while this Worker runs, so the dashboard
/// and other Workers can tell which Workers are alive (and whose pending jobs may be reclaimed).
/// </summary>
public sealed partial class WorkerHeartbeatService(
    IConnectionMultiplexer redis,
    WorkerIdentity identity,
    IOptions<HeartbeatOptions> options,
    TimeProvider clock,
    ILogger<WorkerHeartbeatService> logger) : BackgroundService
{
    public const string KeyPrefix = "botbottle:workers:";

    public static string KeyFor(WorkerIdentity worker) => KeyPrefix + worker.Id;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, identity.Id);
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            await BeatAsync();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // A clean stop says so at once rather than leaving others to wait for the expiry.
        await redis.GetDatabase().KeyDeleteAsync(KeyFor(identity));
    }

    private async Task BeatAsync()
    {
        try
        {
            var now = clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            await redis.GetDatabase().StringSetAsync(KeyFor(identity), now, options.Value.Expiry);
        }
        catch (RedisException ex)
        {
            // Redis being away for a moment must not kill the Worker; /health reports it meanwhile.
            LogBeatFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId} started")]
    private static partial void LogStarted(ILogger logger, string workerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat to Redis failed")]
    private static partial void LogBeatFailed(ILogger logger, Exception exception);
}
