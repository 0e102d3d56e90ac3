using BotBottle.AppHost.LocalModels;

namespace BotBottle.EndToEnd.Tests.AppHost;

/// <summary>The Ollama resource as the AppHost declares it (no Ollama image can be pulled here, so it is inspected, not run).</summary>
public sealed class OllamaResourceTests
{
    [Fact]
    public async Task Ollama_runs_the_official_image_with_a_models_volume_and_an_agent_sized_context()
    {
        var ollama = await OllamaResourceAsync();

        var image = Assert.Single(ollama.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal("ollama/ollama", image.Image);
        var volume = Assert.Single(ollama.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal(("botbottle-ollama-models", "/root/.ollama", ContainerMountType.Volume), (volume.Source, volume.Target, volume.Type));
        var environment = await EnvironmentOfAsync(ollama);
        Assert.Equal("65536", environment["OLLAMA_CONTEXT_LENGTH"]);
        var endpoint = Assert.Single(ollama.Annotations.OfType<EndpointAnnotation>());
        Assert.Equal(11434, endpoint.TargetPort);
        Assert.Contains(ollama.Annotations.OfType<HealthCheckAnnotation>(), _ => true);
    }

    [Fact]
    public async Task Gpu_passthrough_on_adds_gpus_all_to_the_container_run()
    {
        var ollama = await OllamaResourceAsync("--BotBottle:Ollama:Gpu=on");

        Assert.Equal(["--gpus", "all"], await RuntimeArgsOfAsync(ollama));
    }

    [Fact]
    public async Task Gpu_passthrough_off_runs_on_the_cpu()
    {
        var ollama = await OllamaResourceAsync("--BotBottle:Ollama:Gpu=off");

        Assert.Empty(await RuntimeArgsOfAsync(ollama));
    }

    [Fact]
    public async Task Context_length_is_configurable()
    {
        var ollama = await OllamaResourceAsync("--BotBottle:Ollama:ContextLength=131072");

        Assert.Equal("131072", (await EnvironmentOfAsync(ollama))["OLLAMA_CONTEXT_LENGTH"]);
    }

    [Fact]
    public async Task Worker_and_web_reference_Ollama_without_waiting_for_it()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.BotBottle_AppHost>(TestParameters.Args());

        foreach (var name in new[] { "worker", "web" })
        {
            var project = builder.Resources.Single(r => r.Name == name);
            Assert.DoesNotContain(project.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "ollama");
            Assert.Contains("services__ollama__http__0", (await EnvironmentOfAsync(project)).Keys);
        }
    }

    [Fact]
    public async Task Ollama_can_be_left_out()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.BotBottle_AppHost>(TestParameters.Args("--BotBottle:Ollama:Enabled=false"));

        Assert.DoesNotContain(builder.Resources, r => r.Name == "ollama");
    }

    [Theory]
    [InlineData("auto", true, true)]
    [InlineData("auto", false, false)]
    [InlineData(null, true, true)]
    [InlineData("on", false, true)]
    [InlineData("off", true, false)]
    public void Gpu_mode_decides_passthrough(string? mode, bool hostHasGpu, bool expected)
    {
        Assert.Equal(expected, GpuPassthrough.IsWanted(mode, hostHasGpu));
    }

    [Fact]
    public void Unknown_gpu_mode_is_refused_with_the_choices()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GpuPassthrough.IsWanted("sometimes", true));

        Assert.Contains("auto, on or off", error.Message, StringComparison.Ordinal);
    }

    private static async Task<IResource> OllamaResourceAsync(params string[] args)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.BotBottle_AppHost>(TestParameters.Args(args));
        return builder.Resources.Single(r => r.Name == "ollama");
    }

    private static async Task<Dictionary<string, string>> EnvironmentOfAsync(IResource resource)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), resource, [], CancellationToken.None);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        // Values are strings or references resolved only at run time; the keys and literal values are what is asserted.
        return context.EnvironmentVariables.ToDictionary(p => p.Key, p => p.Value as string ?? "");
    }

    private static async Task<List<string>> RuntimeArgsOfAsync(IResource resource)
    {
        var args = new List<object>();
        foreach (var callback in resource.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
        {
            await callback.Callback(new ContainerRuntimeArgsCallbackContext(args));
        }

        return [.. args.Select(a => a.ToString()!)];
    }
}
