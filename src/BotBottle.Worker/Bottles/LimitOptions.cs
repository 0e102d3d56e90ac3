using BotBottle.Core.Manifest;

namespace BotBottle.Worker.Bottles;

/// <summary>
/// <c>BotBottle:Limits</c>: what a bottle gets when its manifest entry sets no limit, and the most an
/// agent may ask for (a manifest asking for more is refused). Sizes as in the manifest ("2g").
/// </summary>
public sealed class LimitOptions
{
    public string DefaultMemory { get; set; } = "2g";

    public double DefaultCpus { get; set; } = 2;

    public int DefaultPids { get; set; } = 512;

    public string DefaultDisk { get; set; } = "4g";

    public string MaxMemory { get; set; } = "16g";

    public double MaxCpus { get; set; } = 8;

    public int MaxPids { get; set; } = 8192;

    public string MaxDisk { get; set; } = "64g";

    public LimitPolicy ToPolicy() => new(
        new ResourceLimits(Size(DefaultMemory, nameof(DefaultMemory)), DefaultCpus, DefaultPids, Size(DefaultDisk, nameof(DefaultDisk))),
        new ResourceLimits(Size(MaxMemory, nameof(MaxMemory)), MaxCpus, MaxPids, Size(MaxDisk, nameof(MaxDisk))));

    private static long Size(string text, string name) => MemorySize.ParseSetting(text, $"BotBottle:Limits:{name}");
}
