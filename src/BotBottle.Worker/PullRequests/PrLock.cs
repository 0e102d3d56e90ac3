using StackExchange.Redis;

namespace BotBottle.Worker.PullRequests;

/// <summary>
/// A Redis lock per PR: two events for one PR never run at once, across every Worker. It expires
/// (a dead Worker cannot hold a PR forever) and is renewed while its holder runs.
/// </summary>
public sealed class PrLock : IAsyncDisposable
{
    // Only the holder may renew or release: compare the token, then act, atomically.
    private const string RenewScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly IDatabase _db;
    private readonly RedisKey _key;
    private readonly string _token;
    private readonly TimeSpan _expiry;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private PrLock(IDatabase db, RedisKey key, string token, TimeSpan expiry)
    {
        _db = db;
        _key = key;
        _token = token;
        _expiry = expiry;
        _renewing = RenewAsync();
    }

    /// <summary>Waits until the lock is free, then holds it; throws <see cref="TimeoutException"/> after <paramref name="wait"/>.</summary>
    public static async Task<PrLock> AcquireAsync(IDatabase db, string key, TimeSpan expiry, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var token = Guid.NewGuid().ToString("N");
        var deadline = DateTime.UtcNow + wait;
        while (!await db.StringSetAsync(key, token, expiry, When.NotExists))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{key} stayed locked for {wait}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        return new PrLock(db, key, token, expiry);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        await _db.ScriptEvaluateAsync(ReleaseScript, [_key], [_token]);
        _stop.Dispose();
    }

    private async Task RenewAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_expiry / 3, _stop.Token);
                var renewed = (long)await _db.ScriptEvaluateAsync(RenewScript, [_key], [_token, (long)_expiry.TotalMilliseconds]);
                if (renewed == 0)
                {
                    // Someone else holds it now (it lapsed while Redis was away); nothing left to renew.
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (RedisException)
            {
                // A blip: try again at the next period, before the lock's expiry.
            }
        }
    }
}
