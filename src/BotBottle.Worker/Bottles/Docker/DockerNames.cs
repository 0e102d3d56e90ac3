namespace BotBottle.Worker.Bottles.Docker;

/// <summary>Names and labels that tie Docker objects to bottles.</summary>
public static class DockerNames
{
    public const string SlugLabel = "io.botbottle.slug";
    public const string AgentLabel = "io.botbottle.agent";
    public const string BackendLabel = "io.botbottle.backend";
    public const string Backend = "docker";

    /// <summary>"run" on a bottle that exists only for one run (removed when it ends), "launch" on one left up until stopped.</summary>
    public const string LifetimeLabel = "io.botbottle.lifetime";
    public const string RunLifetime = "run";
    public const string LaunchLifetime = "launch";

    public static string Container(string slug) => $"botbottle-{slug}";
}
