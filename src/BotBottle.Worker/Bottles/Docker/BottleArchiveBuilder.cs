using System.Formats.Tar;
using System.Text;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Builds the tar a bottle receives at launch (Docker's archive API takes tar), every entry owned
/// by the agent user so the agent can write what it is given.
/// </summary>
public sealed class BottleArchiveBuilder : IDisposable
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ExecutableMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly MemoryStream _buffer = new();
    private readonly TarWriter _writer;
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    public BottleArchiveBuilder()
    {
        _writer = new TarWriter(_buffer, TarEntryFormat.Pax, leaveOpen: true);
    }

    public void AddFile(string relativePath, string content)
    {
        AddParents(relativePath);
        var entry = Entry(TarEntryType.RegularFile, relativePath, FileMode);
        entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        _writer.WriteEntry(entry);
    }

    /// <summary>A file of another owner than the agent (a sidecar's service user), with its own mode.</summary>
    public void AddFile(string relativePath, string content, UnixFileMode mode, int owner, int group)
    {
        AddParents(relativePath);
        var entry = Entry(TarEntryType.RegularFile, relativePath, mode);
        entry.Uid = owner;
        entry.Gid = group;
        entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        _writer.WriteEntry(entry);
    }

    /// <summary>Adds <paramref name="directory"/>'s tree under <paramref name="relativePath"/>, links kept as links.</summary>
    public async Task AddDirectoryAsync(string directory, string relativePath, CancellationToken cancellationToken)
    {
        AddParents(relativePath);
        AddDirectoryEntry(relativePath);
        if (Directory.Exists(directory))
        {
            await AddTreeAsync(new DirectoryInfo(directory), relativePath, cancellationToken);
        }
    }

    /// <summary>The finished archive, positioned at its start; the builder cannot be used afterwards.</summary>
    public MemoryStream Finish()
    {
        _writer.Dispose();
        _buffer.Position = 0;
        return _buffer;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _buffer.Dispose();
    }

    private async Task AddTreeAsync(DirectoryInfo directory, string prefix, CancellationToken cancellationToken)
    {
        foreach (var item in directory.EnumerateFileSystemInfos())
        {
            var name = $"{prefix}/{item.Name}";
            if (item.LinkTarget is { } linkTarget)
            {
                var link = Entry(TarEntryType.SymbolicLink, name, ExecutableMode);
                link.LinkName = linkTarget;
                await _writer.WriteEntryAsync(link, cancellationToken);
            }
            else if (item is DirectoryInfo subdirectory)
            {
                AddDirectoryEntry(name);
                await AddTreeAsync(subdirectory, name, cancellationToken);
            }
            else
            {
                var executable = ((FileInfo)item).UnixFileMode.HasFlag(UnixFileMode.UserExecute);
                var entry = Entry(TarEntryType.RegularFile, name, executable ? ExecutableMode : FileMode);
                await using var data = File.OpenRead(item.FullName);
                entry.DataStream = data;
                await _writer.WriteEntryAsync(entry, cancellationToken);
            }
        }
    }

    /// <summary>Docker creates missing parents as root; entries of our own keep them the agent's.</summary>
    private void AddParents(string relativePath)
    {
        var parts = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 1; i < parts.Length; i++)
        {
            AddDirectoryEntry(string.Join('/', parts[..i]));
        }
    }

    private void AddDirectoryEntry(string relativePath)
    {
        if (_directories.Add(relativePath))
        {
            _writer.WriteEntry(Entry(TarEntryType.Directory, relativePath + "/", ExecutableMode));
        }
    }

    private static PaxTarEntry Entry(TarEntryType type, string name, UnixFileMode mode) =>
        new(type, name)
        {
            Uid = AgentPaths.Uid,
            Gid = AgentPaths.Gid,
            Mode = mode,
            ModificationTime = DateTimeOffset.UtcNow,
        };
}
