namespace BotBottle.Worker.Bottles.Docker;

/// <summary>Names and labels that tie Docker objects to bottles.</summary>
public static class DockerNames
{
    public const string SlugLabel = "io.botbottle.slug";
    public const string AgentLabel = "io.botbottle.agent";
    public const string BackendLabel = "io.botbottle.backend";
    public const string Backend = "docker";

    public static string Container(string slug) => $"botbottle-{slug}";
}
