using System.Globalization;
using System.Text;

namespace BotBottle.Core.Labels;

/// <summary>
/// Rules for the operator-chosen bottle label: trimmed, defaulting to the agent key, at most 64 UTF-8
/// bytes, printable only. The label is echoed to terminals and written into claude.json, so anything
/// that could drive a terminal, reorder text or hide text is refused.
/// </summary>
public static class LabelRules
{
    public const int MaxBytes = 64;

    public static LabelValidation Validate(string? input, string defaultLabel)
    {
        ArgumentNullException.ThrowIfNull(defaultLabel);
        var label = string.IsNullOrWhiteSpace(input) ? defaultLabel.Trim() : input.Trim();
        var bytes = Encoding.UTF8.GetByteCount(label);

        if (FindForbiddenCharacter(label) is { } problem)
        {
            return LabelValidation.Invalid(problem, bytes);
        }

        if (bytes > MaxBytes)
        {
            return LabelValidation.Invalid(
                string.Create(CultureInfo.InvariantCulture, $"label is {bytes} bytes in UTF-8; the limit is {MaxBytes} bytes"),
                bytes);
        }

        return label.Length == 0
            ? LabelValidation.Invalid("label is empty", 0)
            : LabelValidation.Ok(label, bytes);
    }

    /// <summary>Validates and returns the label, throwing <see cref="ArgumentException"/> when it is refused.</summary>
    public static string Resolve(string? input, string defaultLabel)
    {
        var result = Validate(input, defaultLabel);
        return result.IsValid ? result.Label : throw new ArgumentException(result.Error, nameof(input));
    }

    private static string? FindForbiddenCharacter(string label)
    {
        var position = 0;
        var index = 0;
        while (index < label.Length)
        {
            position++;
            var status = Rune.DecodeFromUtf16(label.AsSpan(index), out var rune, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                return Describe(
                    $"an unpaired surrogate ({CodePoint(label[index])})",
                    position,
                    "the text is not valid Unicode");
            }

            if (CharacterNames.Classify(rune) is { } kind)
            {
                return Describe(kind.Description(rune), position, kind.Reason);
            }

            index += consumed;
        }

        return null;
    }

    private static string Describe(string what, int position, string reason) =>
        string.Create(CultureInfo.InvariantCulture, $"label contains {what} at position {position}; {reason}");

    private static string CodePoint(int value) => string.Create(CultureInfo.InvariantCulture, $"U+{value:X4}");
}
