using System.Text.RegularExpressions;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using StackExchange.Redis;

namespace BotBottle.Queue.Events;

/// <summary>
/// The event log every reader shares. Each event is appended, in one atomic step, to the capped
/// stream of all events and to index streams of its job and its bottle under the same entry id, and
/// published on the live channel. A reader that follows one job or one bottle therefore pages its
/// index by cursor: it never scans other events, and its cursor always advances.
/// </summary>
public sealed partial class EventLog(IConnectionMultiplexer redis)
{
    /// <summary>Events kept in the stream of all events: a dashboard that reconnects after minutes catches up from it.</summary>
    public const int StreamLength = 10_000;

    /// <summary>Events kept per job and per bottle.</summary>
    public const int IndexLength = 5_000;

    /// <summary>How long a job's or a bottle's index outlives its last event.</summary>
    public static readonly TimeSpan IndexRetention = TimeSpan.FromDays(7);

    /// <summary>The most events one read returns.</summary>
    public const int MaxPage = 5_000;

    // KEYS[1] the stream of all events, KEYS[2..] index streams; ARGV: field, json, stream length,
    // index length, index retention (s), channel. The index entries reuse the stream's id; an index
    // that refuses it (its newest entry is newer, which only a clock set back could cause) is skipped.
    private const string AppendScript = """
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', ARGV[1], ARGV[2])
        for i = 2, #KEYS do
          redis.pcall('XADD', KEYS[i], 'MAXLEN', '~', ARGV[4], id, ARGV[1], ARGV[2])
          redis.call('EXPIRE', KEYS[i], ARGV[5])
        end
        redis.call('PUBLISH', ARGV[6], ARGV[2])
        return id
        """;

    /// <summary>Appends <paramref name="bottleEvent"/> to the log and publishes it; returns its entry id.</summary>
    public async Task<string> AppendAsync(BottleEvent bottleEvent)
    {
        ArgumentNullException.ThrowIfNull(bottleEvent);
        var keys = new List<RedisKey> { QueueNames.EventStream };
        if (bottleEvent.JobId is { Length: > 0 } job)
        {
            keys.Add(QueueNames.JobEvents(job));
        }

        if (bottleEvent.Slug is { Length: > 0 } slug)
        {
            keys.Add(QueueNames.BottleEvents(slug));
        }

        var id = await redis.GetDatabase().ScriptEvaluateAsync(AppendScript, [.. keys],
            [QueueNames.PayloadField, BotBottleJson.Serialize(bottleEvent), StreamLength, IndexLength, (long)IndexRetention.TotalSeconds, QueueNames.EventChannel]);
        return (string)id!;
    }

    /// <summary>Whether <paramref name="cursor"/> is a stream entry id ("1700000000000-0").</summary>
    public static bool IsCursor(string? cursor) => cursor is not null && CursorPattern().IsMatch(cursor);

    /// <summary>
    /// Up to <paramref name="limit"/> events after <paramref name="after"/> (from the start when
    /// null), oldest first: of one job, of one bottle, of one job in one bottle, or all.
    /// </summary>
    public async Task<IReadOnlyList<EventEntry>> ReadAsync(string? after, string? slug, string? job, int limit)
    {
        if (after is not null && !IsCursor(after))
        {
            throw new ArgumentException($"'{after}' is not an event cursor (a stream id such as 1700000000000-0)", nameof(after));
        }

        RedisKey key = job is { Length: > 0 } ? QueueNames.JobEvents(job)
            : slug is { Length: > 0 } ? QueueNames.BottleEvents(slug)
            : QueueNames.EventStream;
        var entries = await redis.GetDatabase().StreamRangeAsync(key, minId: after is null ? "-" : $"({after}", count: Math.Clamp(limit, 1, MaxPage));
        return [.. entries
            .Select(e => new EventEntry(e.Id!, BotBottleJson.Deserialize<BottleEvent>(e[QueueNames.PayloadField]!)))
            .Where(e => slug is null || job is null || e.Event.Slug == slug)];
    }

    /// <summary>The newest <paramref name="count"/> events of one bottle, oldest first.</summary>
    public async Task<IReadOnlyList<BottleEvent>> LatestOfBottleAsync(string slug, int count)
    {
        var entries = await redis.GetDatabase().StreamRangeAsync(QueueNames.BottleEvents(slug), count: Math.Clamp(count, 1, MaxPage), messageOrder: Order.Descending);
        return [.. entries.Select(e => BotBottleJson.Deserialize<BottleEvent>(e[QueueNames.PayloadField]!)).Reverse()];
    }

    [GeneratedRegex(@"^\d{1,20}-\d{1,20}\z", RegexOptions.CultureInvariant)]
    private static partial Regex CursorPattern();
}
