namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Which process made a container or network ("machine-pid", in the <see cref="Label"/> label), so
/// that what a Worker (or a benchmark) that died left behind is found and removed by another one on
/// the same machine. Other machines' objects are not this machine's to judge.
/// </summary>
public static class OwnerProcess
{
    public const string Label = "io.botbottle.owner";

    public static string ThisProcess { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Whether <paramref name="owner"/> names a process of this machine that no longer runs.</summary>
    public static bool IsDeadOnThisMachine(string? owner)
    {
        var dash = owner?.LastIndexOf('-') ?? -1;
        if (owner is null || dash <= 0 || owner[..dash] != Environment.MachineName
            || !int.TryParse(owner[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var pid)
            || pid == Environment.ProcessId)
        {
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
