namespace BotBottle.AppHost.LocalModels;

/// <summary>
/// The local-model server: the ollama/ollama container with its models on a volume, the GPU
/// passed through, and a context length an agent loop can live with. Nothing waits on it: the rest
/// of the stack starts and works when Ollama is absent or its image cannot be pulled.
/// </summary>
public static class OllamaResourceExtensions
{
    public const string ResourceName = "ollama";
    public const string Image = "ollama/ollama";
    public const string ModelsVolume = "botbottle-ollama-models";
    public const int Port = 11434;

    /// <summary>Ollama's own default of 4096 tokens cannot hold an agent's system prompt, tools and history.</summary>
    public const int DefaultContextLength = 65536;

    /// <summary>Adds the container unless <c>BotBottle:Ollama:Enabled</c> is false; GPU from <c>BotBottle:Ollama:Gpu</c> (auto|on|off).</summary>
    public static IResourceBuilder<ContainerResource>? AddOllama(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.GetSection("BotBottle:Ollama");
        if (string.Equals(settings["Enabled"], "false", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var contextLength = settings["ContextLength"] is { Length: > 0 } configured ? configured : DefaultContextLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ollama = builder.AddContainer(ResourceName, Image, settings["Tag"] ?? "latest")
            .WithVolume(ModelsVolume, "/root/.ollama")
            .WithHttpEndpoint(targetPort: Port, name: "http")
            .WithEnvironment("OLLAMA_CONTEXT_LENGTH", contextLength)
            .WithEnvironment("OLLAMA_HOST", "0.0.0.0:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithHttpHealthCheck("/api/version", endpointName: "http");

        if (GpuPassthrough.IsWanted(settings["Gpu"], GpuPassthrough.HostHasNvidiaGpu()))
        {
            ollama.WithContainerRuntimeArgs("--gpus", "all");
        }

        return ollama;
    }

    /// <summary>References Ollama's endpoint when there is one; never waits for it.</summary>
    public static IResourceBuilder<ProjectResource> WithOptionalReference(this IResourceBuilder<ProjectResource> project, IResourceBuilder<ContainerResource>? ollama)
    {
        ArgumentNullException.ThrowIfNull(project);
        return ollama is null ? project : project.WithReference(ollama.GetEndpoint("http"));
    }
}

/// <summary>Whether to pass the GPU through: "on" always, "off" never, "auto" (the default) when the host has an NVIDIA GPU.</summary>
public static class GpuPassthrough
{
    public static bool IsWanted(string? mode, bool hostHasGpu) => (mode ?? "auto").Trim().ToLowerInvariant() switch
    {
        "on" or "true" or "all" => true,
        "off" or "false" or "none" => false,
        "auto" or "" => hostHasGpu,
        var other => throw new InvalidOperationException($"BotBottle:Ollama:Gpu is '{other}'; use auto, on or off"),
    };

    /// <summary>The NVIDIA driver exposes /dev/nvidia0 (and /dev/nvidiactl) once a GPU is usable.</summary>
    public static bool HostHasNvidiaGpu() => File.Exists("/dev/nvidiactl") || File.Exists("/dev/nvidia0");
}
