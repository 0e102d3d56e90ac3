using BotBottle.Core.Jobs;
using BotBottle.Core.Runs;
using StackExchange.Redis;

namespace BotBottle.Queue.Runs;

/// <summary>Reads the run history the Workers write (<see cref="RunNames"/>): newest first, or in a time range.</summary>
public sealed class RunHistory(IConnectionMultiplexer redis)
{
    /// <summary>The latest <paramref name="count"/> runs of every bottle, newest first.</summary>
    public async Task<IReadOnlyList<RunRecord>> RecentAsync(int count) =>
        await LoadAsync(await redis.GetDatabase().SortedSetRangeByRankAsync(RunNames.ByTime, 0, Math.Max(1, count) - 1, Order.Descending));

    /// <summary>A bottle's runs, newest first.</summary>
    public async Task<IReadOnlyList<RunRecord>> OfBottleAsync(string slug, int count = 100) =>
        await LoadAsync(await redis.GetDatabase().SortedSetRangeByRankAsync(RunNames.OfBottle(slug), 0, Math.Max(1, count) - 1, Order.Descending));

    /// <summary>A pull request's runs (all its turns), oldest first.</summary>
    public async Task<IReadOnlyList<RunRecord>> OfPullRequestAsync(string prKey) =>
        await LoadAsync(await redis.GetDatabase().SortedSetRangeByRankAsync(RunNames.OfPullRequest(prKey)));

    /// <summary>The runs that finished from <paramref name="from"/> up to <paramref name="to"/>, oldest first.</summary>
    public async Task<IReadOnlyList<RunRecord>> BetweenAsync(DateTimeOffset from, DateTimeOffset to) =>
        await LoadAsync(await redis.GetDatabase().SortedSetRangeByScoreAsync(RunNames.ByTime, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()));

    private async Task<IReadOnlyList<RunRecord>> LoadAsync(RedisValue[] jobIds)
    {
        if (jobIds.Length == 0)
        {
            return [];
        }

        // Ids whose record was dropped (past RunNames.Kept) are skipped.
        var records = await redis.GetDatabase().HashGetAsync(RunNames.Records, jobIds);
        return [.. records.Where(r => r.HasValue).Select(r => BotBottleJson.Deserialize<RunRecord>(r!))];
    }
}
