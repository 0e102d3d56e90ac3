namespace BotBottle.Core.Jobs;

/// <summary>
/// The Redis names Web, Worker and CLI agree on. Kept in one place because a typo on either side
/// fails silently: jobs sit unread, events go nowhere.
/// </summary>
public static class QueueNames
{
    /// <summary>Stream of <see cref="BottleJob"/>s.</summary>
    public const string JobStream = "botbottle:jobs";

    /// <summary>Consumer group every Worker reads the job stream through.</summary>
    public const string WorkerGroup = "workers";

    /// <summary>Stream of <see cref="Events.BottleEvent"/>s, capped; readers catch up from it.</summary>
    public const string EventStream = "botbottle:events";

    /// <summary>Pub/sub channel carrying the same events for low-latency listeners.</summary>
    public const string EventChannel = "botbottle:events:live";

    /// <summary>Hash: slug -> <see cref="Bottles.ActiveAgent"/> JSON of every bottle that is up; the dashboard's and CLI's list.</summary>
    public const string Bottles = "botbottle:bottles";

    /// <summary>Set of the agent keys the Workers' manifests declare, for pickers and for checking a launch request.</summary>
    public const string Agents = "botbottle:agents";

    /// <summary>Hash: backend name -> "" when a Worker can run it, else why not (for the launch form and the API).</summary>
    public const string Backends = "botbottle:backends";

    /// <summary>Hash: slug -> how many requests the bottle's egress proxy has denied.</summary>
    public const string EgressDenied = "botbottle:egress:denied";

    /// <summary>Hash: slug -> Unix milliseconds of the last proxy log line counted, so a restarted Worker does not count twice.</summary>
    public const string EgressSeen = "botbottle:egress:seen";

    /// <summary>Field of a stream entry that holds the JSON document.</summary>
    public const string PayloadField = "json";

    /// <summary>Stream of the events of one job: the same entries (and ids) as <see cref="EventStream"/>, so a reader of one job pages by cursor.</summary>
    public static string JobEvents(string jobId) => $"botbottle:events:job:{jobId}";

    /// <summary>Stream of the events of one bottle, likewise.</summary>
    public static string BottleEvents(string slug) => $"botbottle:events:bottle:{slug}";

    /// <summary>Key prefix of <see cref="ResultKey"/>, for scripts that derive the key from a job id.</summary>
    public const string ResultKeyPrefix = "botbottle:jobs:result:";

    public static string ResultKey(string jobId) => ResultKeyPrefix + jobId;

    /// <summary>String: the job a request with this Idempotency-Key queued.</summary>
    public static string IdempotencyKey(string key) => $"botbottle:api:idempotency:{key}";

    /// <summary>Where a job records the slug it created, so a Worker that reclaims it can clean up first.</summary>
    public static string AttemptKey(string jobId) => $"botbottle:jobs:attempt:{jobId}";
}
