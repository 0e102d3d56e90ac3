using BotBottle.Core.PullRequests;
using BotBottle.Testing;
using BotBottle.Worker.PullRequests;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Worker.Tests.PullRequests;

/// <summary>
/// The PR registry's fencing against a real Redis: a turn that lost the PR's lock, or one carrying an
/// older fence than the last write, changes nothing, whatever order the writes arrive in.
/// </summary>
public sealed class PrSessionRegistryTests : IAsyncLifetime
{
    private const string Repository = "acme/widgets";
    private const int Number = 7;
    private static readonly string PrKey = PrSession.KeyOf(Repository, Number);

    private readonly RedisServer _redis = new();
    private PrSessionRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _registry = new PrSessionRegistry(_redis.Connection);
    }

    public Task DisposeAsync() => _redis.DisposeAsync();

    /// <summary>A turn holding the PR's lock with <paramref name="fence"/>, as PrTurns hands one out.</summary>
    private async Task<PrTurn> TakeAsync(long fence)
    {
        var value = $"turn-{fence}:{fence}";
        await _redis.Connection.GetDatabase().StringSetAsync(PrRedisNames.Lock(PrKey), value, TimeSpan.FromMinutes(1));
        return new PrTurn(_redis.Connection.GetDatabase(), PrKey, value, fence, TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger.Instance);
    }

    private static PrSession Session(string slug) => new()
    {
        Repository = Repository,
        Number = Number,
        Slug = slug,
        SessionId = $"session-of-{slug}",
        Agent = "claude",
        Cwd = "/home/agent/workspace",
    };

    [Fact]
    public async Task A_turn_whose_lock_lapsed_and_was_taken_by_a_later_turn_writes_nothing()
    {
        await using var lapsed = await TakeAsync(fence: 1);
        await using var later = await TakeAsync(fence: 2);
        await _registry.RecordAsync(later, RegistryChange.Set, Session("later"), "delivery-2", new PrDone("job-2", "later", null, 0));

        await Assert.ThrowsAsync<PrTurnLostException>(() =>
            _registry.RecordAsync(lapsed, RegistryChange.Set, Session("lapsed"), "delivery-1", new PrDone("job-1", "lapsed", null, 0)));
        await Assert.ThrowsAsync<PrTurnLostException>(() =>
            _registry.RecordAsync(lapsed, RegistryChange.Remove, null, "delivery-1", new PrDone("job-1", "lapsed", null, 0)));

        var entry = await _registry.GetAsync(PrKey);
        Assert.Equal("later", entry!.Slug);
        Assert.Equal(2, entry.Fence);
        Assert.Null(await _registry.DoneAsync("delivery-1"));
    }

    [Fact]
    public async Task A_write_carrying_an_older_fence_than_the_last_one_is_refused_even_while_it_holds_the_lock()
    {
        await using (var newer = await TakeAsync(fence: 5))
        {
            await _registry.RecordAsync(newer, RegistryChange.Set, Session("newer"), "delivery-5", new PrDone("job-5", "newer", null, 0));
        }

        // A stale holder (a lock value it still carries, from before the newer turn) tries to write.
        await using var stale = await TakeAsync(fence: 4);

        var refused = await Assert.ThrowsAsync<PrTurnLostException>(() =>
            _registry.RecordAsync(stale, RegistryChange.Set, Session("stale"), "delivery-4", new PrDone("job-4", "stale", null, 0)));

        Assert.Contains("fence 4", refused.Message, StringComparison.Ordinal);
        Assert.Equal("newer", (await _registry.GetAsync(PrKey))!.Slug);
        Assert.Null(await _registry.DoneAsync("delivery-4"));
        Assert.Equal(5, (await _registry.DoneAsync("delivery-5"))!.Fence);
    }
}
