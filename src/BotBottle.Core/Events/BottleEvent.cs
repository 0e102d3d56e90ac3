namespace BotBottle.Core.Events;

public enum BottleEventKind
{
    Queued,
    Starting,
    Running,
    Output,
    Finished,
    Failed,
    Removed,
    EgressDenied,

    /// <summary>A bottle listed as up whose container is gone (removed by hand, engine restarted while no Worker watched).</summary>
    Vanished,
}

public static class BottleEventKinds
{
    /// <summary>How listings name a kind: "running", "egress-denied".</summary>
    public static string Label(this BottleEventKind kind) => kind switch
    {
        BottleEventKind.EgressDenied => "egress-denied",
        _ => kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>A lifecycle event of a job or bottle, published for the dashboard and the CLI.</summary>
public sealed record BottleEvent(
    BottleEventKind Kind,
    string? Slug,
    string? JobId,
    DateTimeOffset At,
    string Message = "",
    IReadOnlyDictionary<string, string>? Data = null);
