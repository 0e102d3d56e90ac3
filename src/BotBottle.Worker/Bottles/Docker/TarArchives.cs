using System.Formats.Tar;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Takes files out of containers (Docker's archive API hands them over as tar), confined to the
/// destination directory: what a bottle wrote is untrusted.
/// </summary>
public static class TarArchives
{
    private const UnixFileMode PermissionBits =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Entries one archive may hold at most: a bottle could fill its disk with empty files.</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>
    /// Extracts a tar from a container into <paramref name="destination"/>. Entries that would land
    /// outside it (absolute paths, "..", links pointing out) are skipped: the bottle is untrusted.
    /// More than <paramref name="maxBytes"/> of file data, or more than <see cref="MaxEntries"/>
    /// entries, stops the extraction with an error. Files whose name <paramref name="leaveOut"/> picks are
    /// not written.
    /// </summary>
    public static async Task ExtractAsync(Stream tar, string destination, long maxBytes, CancellationToken cancellationToken, Func<string, bool>? leaveOut = null)
    {
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        await using var reader = new TarReader(tar, leaveOpen: true);
        long total = 0;
        var entries = 0;
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            total += Math.Max(0, entry.Length);
            if (total > maxBytes || ++entries > MaxEntries)
            {
                throw new InvalidOperationException(
                    $"the archive holds more than {(total > maxBytes ? $"{maxBytes} bytes" : $"{MaxEntries} entries")}, more than the bottle's disk could; extraction stopped");
            }

            var target = ConfinedPath(root, entry.Name);
            if (target is null || HasLinkAncestor(root, target) || leaveOut?.Invoke(Path.GetFileName(target)) == true)
            {
                continue;
            }

            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await using (var file = File.Create(target))
                    {
                        if (entry.DataStream is { } data)
                        {
                            await data.CopyToAsync(file, cancellationToken);
                        }
                    }

                    // Keep the permission bits (scripts stay executable) but never setuid, setgid or sticky.
                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(target, (entry.Mode & PermissionBits) | UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    }

                    break;
                case TarEntryType.SymbolicLink when LinkStaysInside(root, target, entry.LinkName):
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Delete(target);
                    File.CreateSymbolicLink(target, entry.LinkName);
                    break;
            }
        }
    }

    private static string? ConfinedPath(string root, string entryName)
    {
        if (Path.IsPathRooted(entryName))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(root, entryName));
        return full == root || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    private static bool LinkStaysInside(string root, string linkPath, string linkName) =>
        !Path.IsPathRooted(linkName) && ConfinedPath(root, Path.GetRelativePath(root, Path.Combine(Path.GetDirectoryName(linkPath)!, linkName))) is not null;

    /// <summary>True when a directory between root and target is a symbolic link: writing there could escape.</summary>
    private static bool HasLinkAncestor(string root, string target)
    {
        for (var dir = Path.GetDirectoryName(target); dir is not null && dir.Length > root.Length; dir = Path.GetDirectoryName(dir))
        {
            if (new DirectoryInfo(dir).LinkTarget is not null)
            {
                return true;
            }
        }

        return false;
    }
}
