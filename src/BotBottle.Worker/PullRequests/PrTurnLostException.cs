namespace BotBottle.Worker.PullRequests;

/// <summary>A write for a PR was refused: the writer's turn lapsed and another may hold the PR now.</summary>
public sealed class PrTurnLostException : Exception
{
    public PrTurnLostException(string prKey, long fence)
        : base($"PR {prKey}: the turn with fence {fence} no longer holds the PR; the write was refused")
    {
    }

    public PrTurnLostException()
    {
    }

    public PrTurnLostException(string message) : base(message)
    {
    }

    public PrTurnLostException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
