using System.Globalization;

namespace BotBottle.Core.Manifest;

/// <summary>
/// What every bottle gets: the manifest's limits where it sets them, the Worker's defaults where it
/// does not, and never more than the Worker's maximums (an agent that asks for more is refused).
/// </summary>
public sealed record LimitPolicy(ResourceLimits Defaults, ResourceLimits Maximums)
{
    /// <summary>Memory 2 GiB, 2 CPUs, 512 processes, 4 GiB of disk; at most 16 GiB, 8 CPUs, 8192 processes, 64 GiB.</summary>
    public static LimitPolicy Standard { get; } = new(
        new ResourceLimits(2L << 30, 2, 512, 4L << 30),
        new ResourceLimits(16L << 30, 8, 8192, 64L << 30));

    /// <summary>The limits a bottle of <paramref name="agent"/> runs with.</summary>
    public ResourceLimits Apply(ResourceLimits agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new ResourceLimits(
            agent.MemoryBytes ?? Defaults.MemoryBytes,
            agent.Cpus ?? Defaults.Cpus,
            agent.Pids ?? Defaults.Pids,
            agent.DiskBytes ?? Defaults.DiskBytes);
    }

    /// <summary>Why <paramref name="agent"/>'s limits cannot be granted, one sentence per limit it exceeds; empty when they can.</summary>
    public IReadOnlyList<string> Refusals(string agentKey, ResourceLimits agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var refusals = new List<string>();
        void Check<T>(string name, T? asked, T? maximum, Func<T, string> show, string setting) where T : struct, IComparable<T>
        {
            if (asked is { } a && maximum is { } m && a.CompareTo(m) > 0)
            {
                refusals.Add($"agents.{agentKey}.limits.{name}: {show(a)} is more than this Worker allows ({show(m)}, BotBottle:Limits:{setting})");
            }
        }

        Check("memory", agent.MemoryBytes, Maximums.MemoryBytes, Size, "MaxMemory");
        Check("cpus", agent.Cpus, Maximums.Cpus, c => c.ToString(CultureInfo.InvariantCulture), "MaxCpus");
        Check("pids", agent.Pids, Maximums.Pids, p => p.ToString(CultureInfo.InvariantCulture), "MaxPids");
        Check("disk", agent.DiskBytes, Maximums.DiskBytes, Size, "MaxDisk");
        return refusals;
    }

    private static string Size(long bytes) => bytes % (1L << 30) == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes >> 30}g")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20}m");
}
