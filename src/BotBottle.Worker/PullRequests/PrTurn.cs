using StackExchange.Redis;

namespace BotBottle.Worker.PullRequests;

/// <summary>
/// A PR's turn, held by one job: the PR's lock with its fencing token. The lock expires (a dead
/// Worker cannot hold a PR forever) and is renewed while the job runs; when a renewal finds the lock
/// gone or held by someone else, <see cref="Lost"/> fires and the run is cancelled. Every write the
/// job makes for its PR (registry, done marker, comment claim) checks in the same atomic step that
/// the lock still carries this turn's value, so a turn that lapsed can change nothing.
/// </summary>
public sealed partial class PrTurn : IAsyncDisposable
{
    private const string RenewScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly IDatabase _db;
    private readonly TimeSpan _expiry;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _renewing;

    internal PrTurn(IDatabase db, string prKey, string lockValue, long fence, TimeSpan expiry, TimeProvider clock, ILogger logger)
    {
        _db = db;
        PrKey = prKey;
        LockValue = lockValue;
        Fence = fence;
        _expiry = expiry;
        _clock = clock;
        _logger = logger;
        _renewing = RenewAsync();
    }

    public string PrKey { get; }

    /// <summary>What the PR's lock holds while this turn lasts ("token:fence").</summary>
    public string LockValue { get; }

    /// <summary>Incremented on every acquisition of the PR's lock: a later turn always carries a larger one.</summary>
    public long Fence { get; }

    /// <summary>Fires when the lock lapsed or another turn holds it.</summary>
    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>Stops renewing and gives the lock back if it is still this turn's.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        try
        {
            await _db.ScriptEvaluateAsync(ReleaseScript, [Core.PullRequests.PrRedisNames.Lock(PrKey)], [LockValue]);
        }
        catch (RedisException ex)
        {
            // It expires on its own; the next event waits that long at most.
            LogReleaseFailed(_logger, PrKey, ex);
        }

        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task RenewAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_expiry / 3, _clock, _stop.Token);
                var renewed = (long)await _db.ScriptEvaluateAsync(RenewScript, [Core.PullRequests.PrRedisNames.Lock(PrKey)], [LockValue, (long)_expiry.TotalMilliseconds]);
                if (renewed == 0)
                {
                    LogLost(_logger, PrKey, Fence);
                    await _lost.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (RedisException ex)
            {
                // A blip: try again at the next period, before the lock's expiry. Nobody else can
                // take the lock while Redis is away; if it lapsed meanwhile, the next renewal says so.
                LogRenewFailed(_logger, PrKey, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PR {PrKey}: the turn with fence {Fence} was lost (the lock lapsed or another holds it); its run is cancelled")]
    private static partial void LogLost(ILogger logger, string prKey, long fence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PR {PrKey}: could not renew the turn's lock; retrying")]
    private static partial void LogRenewFailed(ILogger logger, string prKey, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PR {PrKey}: could not give the turn's lock back; it expires on its own")]
    private static partial void LogReleaseFailed(ILogger logger, string prKey, Exception exception);
}
