using BotBottle.Core.Manifest;
using BotBottle.Worker.Bottles;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Manifests;

/// <summary>
/// The agent manifest as it is on disk now. Asked for per job and per egress denial, so an edit
/// takes effect for the next one without restarting the Worker; a bad edit fails that job with the
/// file and line. The file is parsed again only when it changed. Every agent comes with its limits
/// complete (the Worker's defaults where the manifest sets none); a manifest that asks for more than
/// the Worker's maximums is refused, saying which agent asks for what.
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

        var manifest = WithLimits(ManifestLoader.LoadFile(Path));
        _last = new Parsed(stamp, manifest);
        return manifest;
    }

    private AgentManifest WithLimits(AgentManifest manifest)
    {
        var policy = options.Value.Limits.ToPolicy();
        var refusals = manifest.Agents.SelectMany(a => policy.Refusals(a.Key, a.Limits)).ToList();
        if (refusals.Count > 0)
        {
            throw new ManifestException([.. refusals.Select(r => new ManifestError(manifest.SourceName, 0, 0, r))]);
        }

        return manifest with { Agents = [.. manifest.Agents.Select(a => a with { Limits = policy.Apply(a.Limits) })] };
    }

    private sealed record Parsed((DateTime, long) Stamp, AgentManifest Manifest);
}
