namespace BotBottle.Worker.Transcripts;

/// <summary>The Worker's own small HTTP API, called by the Web only (<c>BotBottle:WorkerApi</c>).</summary>
public sealed class WorkerApiOptions
{
    public const string Section = "BotBottle:WorkerApi";

    /// <summary>The bearer token the Web presents; without one the API refuses every call.</summary>
    public string Token { get; set; } = "";
}
