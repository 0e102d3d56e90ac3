using BotBottle.Core.Backends;
using BotBottle.Worker.Bottles.Gvisor;
using BotBottle.Worker.Events;

namespace BotBottle.Worker.Bottles;

/// <summary>
/// Says at start which backends this Worker can run (docker always; gvisor when the engine has the
/// runtime), so the launch form offers only those and shows why the others are not.
/// </summary>
public sealed partial class BackendAnnouncer(GvisorRuntime gvisor, BottleDirectory directory, ILogger<BackendAnnouncer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reason = await gvisor.UnavailableReasonAsync(stoppingToken);
        if (reason is not null)
        {
            LogGvisorUnavailable(logger, reason);
        }

        await directory.PublishBackendsAsync(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [BackendNames.Docker] = null,
            [BackendNames.Gvisor] = reason,
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "gVisor bottles cannot run on this Worker: {Reason}")]
    private static partial void LogGvisorUnavailable(ILogger logger, string reason);
}
