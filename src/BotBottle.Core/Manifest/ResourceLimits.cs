namespace BotBottle.Core.Manifest;

/// <summary>Container resource caps; a null member means "no limit set in the manifest".</summary>
public sealed record ResourceLimits(long? MemoryBytes = null, double? Cpus = null, int? Pids = null)
{
    public static ResourceLimits None { get; } = new();
}
