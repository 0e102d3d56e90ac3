using System.Globalization;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Each bottle's home (its workspace and the harness's state) lives on a disk of its own: a sparse
/// ext4 image of the agent's disk limit, mounted through a loop device and bound into the bottle,
/// whose root filesystem is read-only. A bottle that fills it gets "no space left on device"; the
/// host's disk never fills, and only the blocks written take host space. Mounting needs root: a
/// Worker that is not root launches without a disk limit and says so on every launch.
/// </summary>
internal sealed partial class BottleDisks(string stateRoot, ILogger logger)
{
    private const string Suffix = ".img";

    private string Root => Path.Combine(stateRoot, ".disks");

    /// <summary>Whether this Worker can mount disks (it runs as root on Linux with mkfs.ext4 and mount).</summary>
    public static bool CanEnforce { get; } =
        OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess && (File.Exists("/sbin/mkfs.ext4") || File.Exists("/usr/sbin/mkfs.ext4"));

    /// <summary>A new disk of <paramref name="bytes"/> for <paramref name="slug"/>, formatted and mounted, with an empty workspace owned by the agent; returns where it is mounted.</summary>
    public async Task<string> CreateAsync(string slug, long bytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Root);
        var name = $"{slug}-{Guid.NewGuid().ToString("N")[..8]}";
        var image = Path.Combine(Root, name + Suffix);
        var mount = Path.Combine(Root, name);
        try
        {
            await using (var file = new FileStream(image, FileMode.CreateNew, FileAccess.Write))
            {
                file.SetLength(bytes);
            }

            await RunAsync("mkfs.ext4", ["-q", "-F", "-m", "0", "-E", $"root_owner={AgentPaths.Uid}:{AgentPaths.Gid}", image], cancellationToken);
            Directory.CreateDirectory(mount);
            await RunAsync("mount", ["-o", "loop,nosuid,nodev", image, mount], cancellationToken);
            Directory.Delete(Path.Combine(mount, "lost+found"), recursive: true);
            var workspace = Path.Combine(mount, BottleSnapshots.WorkspaceDirName);
            Directory.CreateDirectory(workspace);
            await RunAsync("chown", [$"{AgentPaths.Uid}:{AgentPaths.Gid}", workspace], cancellationToken);
            return mount;
        }
        catch
        {
            await ReleaseAsync(mount, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The size of the disk mounted at <paramref name="mount"/>, or null when it is gone.</summary>
    public static long? SizeOf(string mount)
    {
        var image = new FileInfo(mount + Suffix);
        return image.Exists ? image.Length : null;
    }

    /// <summary>Unmounts the disk mounted at <paramref name="mount"/> and deletes it; nothing happens for one already gone.</summary>
    public async Task ReleaseAsync(string mount, CancellationToken cancellationToken)
    {
        if (!mount.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{mount} is not a bottle disk", nameof(mount));
        }

        if (IsMounted(mount))
        {
            // Lazy: a process still holding a file there (a snapshot copy in flight) lets go on its own.
            await RunAsync("umount", ["-l", mount], cancellationToken);
        }

        if (Directory.Exists(mount))
        {
            Directory.Delete(mount, recursive: false);
        }

        File.Delete(mount + Suffix);
    }

    /// <summary>
    /// Releases the disks no bottle uses: of bottles whose container is gone (for at least a
    /// <paramref name="grace"/>, so a launch that has made its disk but not yet its container keeps it).
    /// </summary>
    public async Task SweepAsync(IReadOnlySet<string> slugsWithContainers, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
        {
            return;
        }

        foreach (var image in Directory.EnumerateFiles(Root, "*" + Suffix))
        {
            var name = Path.GetFileNameWithoutExtension(image);
            var slug = name.Split('-')[0];
            if (!slugsWithContainers.Contains(slug) && File.GetLastWriteTimeUtc(image) < DateTime.UtcNow - grace)
            {
                await ReleaseAsync(Path.Combine(Root, name), cancellationToken);
                LogSwept(logger, name);
            }
        }
    }

    private static bool IsMounted(string path) =>
        File.ReadLines("/proc/self/mounts").Any(line => line.Split(' ') is [_, var target, ..] && Unescape(target) == path);

    /// <summary>/proc/mounts writes spaces and the like as octal escapes.</summary>
    private static string Unescape(string text) => System.Text.RegularExpressions.Regex.Replace(
        text, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString(CultureInfo.InvariantCulture));

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, stderr) = await HostProcess.RunAsync(program, arguments, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"preparing the bottle's disk failed: {program} exited {exitCode}: {stderr.Trim()}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Released bottle disk {Disk}: its bottle is gone")]
    private static partial void LogSwept(ILogger logger, string disk);
}
