using BotBottle.Core.Manifest;
using BotBottle.Worker.Bottles;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Manifests;

/// <summary>
/// The agent manifest as it is on disk now. Asked for per job and per egress denial, so an edit
/// takes effect for the next one without restarting the Worker; a bad edit fails that job with the
/// file and line. The file is parsed again only when it changed.
/// </summary>
public sealed class ManifestSource(IOptions<BottleOptions> options, IHostEnvironment environment)
{
    private volatile Parsed? _last;

    public string Path => System.IO.Path.GetFullPath(options.Value.ManifestPath, environment.ContentRootPath);

    /// <summary>When the file was last written and how long it is: a change to either is a change to the manifest.</summary>
    public (DateTime Written, long Length) Stamp()
    {
        var file = new FileInfo(Path);
        return file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1);
    }

    public AgentManifest Load()
    {
        var stamp = Stamp();
        if (_last is { } last && last.Stamp == stamp)
        {
            return last.Manifest;
        }

        var manifest = ManifestLoader.LoadFile(Path);
        _last = new Parsed(stamp, manifest);
        return manifest;
    }

    private sealed record Parsed((DateTime, long) Stamp, AgentManifest Manifest);
}
