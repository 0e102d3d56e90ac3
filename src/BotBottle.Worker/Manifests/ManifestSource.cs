using BotBottle.Core.Manifest;
using BotBottle.Worker.Bottles;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Manifests;

/// <summary>
/// The agent manifest as it is on disk now. Read per job (it is small), so an edit takes effect
/// for the next job without restarting the Worker; a bad edit fails that job with the file and line.
/// </summary>
public sealed class ManifestSource(IOptions<BottleOptions> options, IHostEnvironment environment)
{
    public string Path => System.IO.Path.GetFullPath(options.Value.ManifestPath, environment.ContentRootPath);

    public AgentManifest Load() => ManifestLoader.LoadFile(Path);
}
