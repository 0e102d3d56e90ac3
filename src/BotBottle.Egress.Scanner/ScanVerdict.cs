namespace BotBottle.Egress.Scanner;

/// <summary>
/// What the scan decided: clean, or refused with a reason that is safe to show (a pattern name or one
/// of the fixed reasons below) and never the matched text.
/// </summary>
internal readonly record struct ScanVerdict(string? BlockedBy)
{
    /// <summary>The body (or its decompressed form) is larger than the scanner reads, so it cannot be vouched for.</summary>
    public const string BodyTooLarge = "body-too-large";

    /// <summary>The body is compressed in a coding the scanner cannot undo, or its compression is damaged, so it cannot be vouched for.</summary>
    public const string BodyUnscannable = "body-unscannable";

    /// <summary>A match ran past the regex timeout; the request is refused rather than waved through unscanned.</summary>
    public const string ScanTimeout = "scan-timeout";

    public static ScanVerdict Clean => default;

    public bool IsBlocked => BlockedBy is not null;

    public static ScanVerdict Blocked(string reason) => new(reason);
}
