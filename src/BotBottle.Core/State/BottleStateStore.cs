using System.Text.Json;
using BotBottle.Core.Bottles;

namespace BotBottle.Core.State;

/// <summary>
/// The on-disk state directory: one folder per bottle, <c>&lt;root&gt;/&lt;slug&gt;/metadata.json</c>,
/// plus the bottle's transcript folder.
/// </summary>
public sealed class BottleStateStore
{
    public const string MetadataFileName = "metadata.json";
    public const string TranscriptDirName = "transcript";

    private readonly SlugGenerator _slugs;

    public BottleStateStore(string root, SlugGenerator? slugs = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        _slugs = slugs ?? new SlugGenerator();
    }

    public string Root { get; }

    public string BottleDir(string slug) => Path.Combine(Root, Slug.Require(slug));

    public string MetadataPath(string slug) => Path.Combine(BottleDir(slug), MetadataFileName);

    public string TranscriptDir(string slug) => Path.Combine(BottleDir(slug), TranscriptDirName);

    /// <summary>
    /// Picks a slug no existing bottle uses and creates its directory. <paramref name="takenElsewhere"/>
    /// lets a backend rule out slugs it sees in use outside this state root (containers on a shared engine).
    /// </summary>
    public string CreateBottle(Func<string, bool>? takenElsewhere = null)
    {
        // Checking then creating is not atomic, but two launches drawing the same random slug in the same
        // instant is far less likely than anything else that can go wrong starting a container.
        var slug = _slugs.Next(candidate => Directory.Exists(Path.Combine(Root, candidate)) || (takenElsewhere?.Invoke(candidate) ?? false));
        Directory.CreateDirectory(BottleDir(slug));
        return slug;
    }

    /// <summary>Slugs of bottles that have metadata, in ordinal order.</summary>
    public IReadOnlyList<string> ListSlugs()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(Root)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => Slug.IsValid(name) && File.Exists(MetadataPath(name)))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Replaces metadata.json atomically: readers see the old file or the new one, never a torn write,
    /// because the new content is flushed to a temporary file in the same directory and then renamed.
    /// </summary>
    public void WriteMetadata(string slug, BottleMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var dir = BottleDir(slug);
        Directory.CreateDirectory(dir);
        var target = Path.Combine(dir, MetadataFileName);
        var temp = Path.Combine(dir, $".{MetadataFileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, metadata, StateJsonContext.Files.BottleMetadata);
                stream.Write("\n"u8);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Reads a bottle's metadata; throws <see cref="FileNotFoundException"/> when it has none.</summary>
    public BottleMetadata ReadMetadata(string slug) =>
        TryReadMetadata(slug) ?? throw new FileNotFoundException($"bottle '{slug}' has no metadata", MetadataPath(slug));

    /// <summary>Reads a bottle's metadata, or returns null when the file does not exist.</summary>
    /// <exception cref="CorruptMetadataException">The file exists but is not usable metadata.</exception>
    public BottleMetadata? TryReadMetadata(string slug)
    {
        var path = MetadataPath(slug);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return Deserialize(path, content);
    }

    /// <summary>Removes a bottle's whole state directory; returns false when there was nothing to remove.</summary>
    public bool Delete(string slug)
    {
        var dir = BottleDir(slug);
        if (!Directory.Exists(dir))
        {
            return false;
        }

        Directory.Delete(dir, recursive: true);
        return true;
    }

    private static BottleMetadata Deserialize(string path, byte[] content)
    {
        BottleMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize(content, StateJsonContext.Files.BottleMetadata);
        }
        catch (JsonException e)
        {
            throw new CorruptMetadataException(path, e.Message, e);
        }

        if (metadata is null)
        {
            throw new CorruptMetadataException(path, "the file contains JSON null instead of an object");
        }

        // Listings turn started_at into a time; catch a bad value here, where the file can be named.
        return IsoTimestamp.TryParse(metadata.StartedAt, out _)
            ? metadata
            : throw new CorruptMetadataException(path, $"started_at '{metadata.StartedAt}' is not an ISO-8601 timestamp");
    }
}
