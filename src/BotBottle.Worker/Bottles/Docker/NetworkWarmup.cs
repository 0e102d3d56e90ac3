using BotBottle.Core.Backends;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// When the Worker starts: readies spare networks (the reconciler gives back what crashed Workers left), so
/// even its first launch is quick.
/// </summary>
public sealed partial class NetworkWarmup(IBottleBackend backend, ILogger<NetworkWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (backend is not DockerBottleBackend docker)
        {
            return;
        }

        try
        {
            await docker.WarmAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogWarmupFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ready spare bottle networks; launches will create their own")]
    private static partial void LogWarmupFailed(ILogger logger, Exception exception);
}
