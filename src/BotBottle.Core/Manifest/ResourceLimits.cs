namespace BotBottle.Core.Manifest;

/// <summary>Container resource caps; a null member means "no limit set in the manifest" (the Worker's default applies).</summary>
public sealed record ResourceLimits(long? MemoryBytes = null, double? Cpus = null, int? Pids = null, long? DiskBytes = null)
{
    public static ResourceLimits None { get; } = new();
}
