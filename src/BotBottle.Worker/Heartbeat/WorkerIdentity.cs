namespace BotBottle.Worker.Heartbeat;

/// <summary>Names this Worker process so several Workers on several hosts can share one queue.</summary>
public sealed record WorkerIdentity(string Id)
{
    public static WorkerIdentity ForThisProcess() =>
        new($"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}");
}
