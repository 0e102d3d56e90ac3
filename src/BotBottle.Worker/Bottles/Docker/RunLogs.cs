using System.Globalization;
using BotBottle.Core.State;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Each command's full output, kept as a file in the bottle's state directory (<c>logs/</c>) rather
/// than in memory: the newest <see cref="OutputLimitOptions.KeptLogFiles"/> per bottle.
/// </summary>
internal sealed class RunLogs(BottleStateStore state, OutputLimitOptions limits, TimeProvider clock)
{
    public const string DirName = "logs";

    /// <summary>A new log file for a command in <paramref name="slug"/>, or null when the bottle has no state directory here.</summary>
    public FileStream? Create(string slug)
    {
        var bottleDir = state.BottleDir(slug);
        if (!Directory.Exists(bottleDir))
        {
            return null;
        }

        var dir = Directory.CreateDirectory(Path.Combine(bottleDir, DirName));
        Prune(dir);
        var name = string.Create(CultureInfo.InvariantCulture, $"{clock.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..8]}.log");
        return new FileStream(Path.Combine(dir.FullName, name), new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            Options = FileOptions.Asynchronous,
        });
    }

    /// <summary>Keeps room for one more file within the limit, deleting the oldest.</summary>
    private void Prune(DirectoryInfo dir)
    {
        var files = dir.GetFiles("*.log").OrderByDescending(f => f.Name, StringComparer.Ordinal).ToList();
        foreach (var old in files.Skip(Math.Max(0, limits.KeptLogFiles - 1)))
        {
            old.Delete();
        }
    }
}
