using BotBottle.Core.Jobs;
using StackExchange.Redis;

namespace BotBottle.Worker.Jobs;

/// <summary>
/// This Worker's hold on one job entry while it runs it. The hold is renewed in one atomic step
/// that first checks Redis's pending list still names this Worker as the entry's owner, so a Worker
/// that was partitioned past <see cref="JobOptions.ReclaimAfter"/> never takes back an entry
/// another Worker reclaimed. When the check fails, <see cref="Lost"/> fires: the run is cancelled,
/// not finished, and nothing it produced is stored.
/// </summary>
public sealed partial class JobLease : IAsyncDisposable
{
    /// <summary>KEYS: stream. ARGV: group, consumer, entry id. 1 when this consumer owns the entry (and it is touched), else 0.</summary>
    internal const string RenewScript = """
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #p == 0 or p[1][2] ~= ARGV[2] then return 0 end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
        return 1
        """;

    private readonly IDatabase _db;
    private readonly RedisValue _entryId;
    private readonly string _consumer;
    private readonly TimeSpan _period;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _keeping;

    private JobLease(IDatabase db, RedisValue entryId, string consumer, TimeSpan period, TimeProvider clock, ILogger logger)
    {
        _db = db;
        _entryId = entryId;
        _consumer = consumer;
        _period = period;
        _clock = clock;
        _logger = logger;
        _keeping = KeepAsync();
    }

    /// <summary>Fires when another Worker owns the entry now, or it was acknowledged by someone else.</summary>
    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>Starts renewing the hold on <paramref name="entryId"/> every <paramref name="period"/>.</summary>
    public static JobLease Start(IDatabase db, RedisValue entryId, string consumer, TimeSpan period, TimeProvider clock, ILogger logger) =>
        new(db, entryId, consumer, period, clock, logger);

    /// <summary>Whether <paramref name="consumer"/> owns <paramref name="entryId"/> now (and touches it if so).</summary>
    public static async Task<bool> RenewAsync(IDatabase db, RedisValue entryId, string consumer)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (long)await db.ScriptEvaluateAsync(RenewScript, [QueueNames.JobStream], [QueueNames.WorkerGroup, consumer, entryId]) == 1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _keeping;
        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task KeepAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_period, _clock, _stop.Token);
                if (!await RenewAsync(_db, _entryId, _consumer))
                {
                    LogLost(_logger, _entryId.ToString());
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
                // One failed renewal is not a loss: the entry is reclaimable only past ReclaimAfter,
                // and no other Worker can reclaim it while Redis is away either.
                LogRenewFailed(_logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job entry {EntryId} belongs to another Worker now; its run here is cancelled")]
    private static partial void LogLost(ILogger logger, string entryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the hold on a job entry; retrying")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);
}
