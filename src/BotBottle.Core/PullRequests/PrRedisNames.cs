namespace BotBottle.Core.PullRequests;

/// <summary>Redis names of the PR-session registry and its bookkeeping, shared by Web and Worker.</summary>
public static class PrRedisNames
{
    /// <summary>Hash: PR key ("owner/repo#12") -> <see cref="PrSession"/> JSON.</summary>
    public const string Registry = "botbottle:pr:sessions";

    public static string Lock(string prKey) => $"botbottle:pr:lock:{prKey}";

    /// <summary>Set when a delivery is accepted; a redelivery with the same id is a duplicate.</summary>
    public static string Delivery(string deliveryId) => $"botbottle:webhooks:delivery:{deliveryId}";

    /// <summary>Set when an event is accepted; the same event under a new delivery id is a duplicate too.</summary>
    public static string Event(string eventKey) => $"botbottle:webhooks:event:{eventKey}";

    /// <summary>Set once a delivery's work is done, so a reclaimed job does not do it again.</summary>
    public static string Done(string deliveryId) => $"botbottle:pr:done:{deliveryId}";

    /// <summary>Claimed before the result comment is posted: one comment per delivery at most.</summary>
    public static string Commented(string deliveryId) => $"botbottle:pr:commented:{deliveryId}";
}
