namespace BotBottle.Core.Labels;

/// <summary>
/// Outcome of checking an operator-typed label. <see cref="Utf8ByteCount"/> is reported either way so
/// a UI can show "66/64 bytes" next to the field.
/// </summary>
public sealed record LabelValidation
{
    private LabelValidation(string label, string? error, int utf8ByteCount)
    {
        Label = label;
        Error = error;
        Utf8ByteCount = utf8ByteCount;
    }

    /// <summary>The label to store; "" when the input was refused.</summary>
    public string Label { get; }

    /// <summary>Why the input was refused, or null when it was accepted.</summary>
    public string? Error { get; }

    /// <summary>UTF-8 size of the trimmed input (of the default, when the input was blank).</summary>
    public int Utf8ByteCount { get; }

    public bool IsValid => Error is null;

    public static LabelValidation Ok(string label, int utf8ByteCount) => new(label, null, utf8ByteCount);

    public static LabelValidation Invalid(string error, int utf8ByteCount) => new("", error, utf8ByteCount);
}
