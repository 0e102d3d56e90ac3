using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BotBottle.Worker.PullRequests;

/// <summary>Every few seconds, lets in the next event of each PR whose turn lapsed (its Worker died holding it).</summary>
public sealed partial class PrQueuePump(PrTurns turns, IOptions<PullRequestOptions> options, TimeProvider clock, ILogger<PrQueuePump> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PumpInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await turns.PromoteWaitingAsync();
            }
            catch (RedisException ex)
            {
                LogPumpFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look for PR events whose turn lapsed; retrying")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception);
}
