namespace BotBottle.Core.PullRequests;

/// <summary>Redis names of the PR-session registry and its bookkeeping, shared by Web and Worker.</summary>
public static class PrRedisNames
{
    /// <summary>Hash: PR key ("owner/repo#12") -> <see cref="PrSession"/> JSON.</summary>
    public const string Registry = "botbottle:pr:sessions";

    /// <summary>
    /// String: who holds the PR's turn now ("token:fence"), with an expiry the holder renews. Only
    /// the head of the PR's <see cref="Queue"/> may take it.
    /// </summary>
    public static string Lock(string prKey) => $"botbottle:pr:lock:{prKey}";

    /// <summary>Counter: incremented on every acquisition of <see cref="Lock"/>; the fencing token writes carry.</summary>
    public static string Fence(string prKey) => $"botbottle:pr:fence:{prKey}";

    /// <summary>List: the job ids of the PR's accepted events, in the order they were accepted; the head runs next.</summary>
    public static string Queue(string prKey) => $"botbottle:pr:queue:{prKey}";

    /// <summary>Hash: job id -> job JSON of events read before their turn; put back on the job stream when they reach the head.</summary>
    public static string Parked(string prKey) => $"botbottle:pr:parked:{prKey}";

    /// <summary>Hash: PR key -> the fencing token of the last registry write; an older turn's write is refused.</summary>
    public const string Fences = "botbottle:pr:fences";

    /// <summary>Set of the PR keys whose <see cref="Queue"/> is not empty, for the Workers that put parked jobs back.</summary>
    public const string Queues = "botbottle:pr:queues";

    /// <summary>Hash: PR key -> <see cref="PrAwaitingApproval"/> JSON of a fork's PR whose head nobody has approved yet.</summary>
    public const string AwaitingApproval = "botbottle:pr:awaiting-approval";

    /// <summary>String: the head commit of a fork's PR that someone trusted approved; a later push needs approval again.</summary>
    public static string Approved(string prKey) => $"botbottle:pr:approved:{prKey}";

    /// <summary>Set when a delivery is accepted; a redelivery with the same id is a duplicate.</summary>
    public static string Delivery(string deliveryId) => $"botbottle:webhooks:delivery:{deliveryId}";

    /// <summary>Set when an event is accepted; the same event under a new delivery id is a duplicate too.</summary>
    public static string Event(string eventKey) => $"botbottle:webhooks:event:{eventKey}";

    /// <summary>Set once a delivery's work is done, so a reclaimed job does not do it again.</summary>
    public static string Done(string deliveryId) => $"botbottle:pr:done:{deliveryId}";

    /// <summary>Claimed before the result comment is posted: one comment per delivery at most.</summary>
    public static string Commented(string deliveryId) => $"botbottle:pr:commented:{deliveryId}";
}
