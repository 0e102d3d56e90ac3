using System.Globalization;

namespace BotBottle.Core.LocalModels;

/// <summary>Human-readable figures for verdicts and warnings, always in the invariant culture.</summary>
internal static class Units
{
    private const double BytesPerGib = 1L << 30;

    /// <summary>Binary gigabytes, because VRAM is sold and reported (nvidia-smi) in binary units.</summary>
    public static string Gib(long bytes) =>
        (bytes / BytesPerGib).ToString("0.0", CultureInfo.InvariantCulture) + " GiB";

    /// <summary>"64K" for the power-of-two sizes people configure, the exact count otherwise.</summary>
    public static string Tokens(long tokens) =>
        tokens >= 1024 && tokens % 1024 == 0
            ? (tokens / 1024).ToString(CultureInfo.InvariantCulture) + "K"
            : tokens.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(double fraction) =>
        (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    public static string Factor(double factor) =>
        factor.ToString("0.0", CultureInfo.InvariantCulture) + "x";
}
