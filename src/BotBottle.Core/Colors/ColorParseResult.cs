namespace BotBottle.Core.Colors;

/// <summary>A normalised colour name ("" for none) and, when the input was not understood, a warning to show the operator.</summary>
public sealed record ColorParseResult(string Color, string? Warning)
{
    public bool HasColor => Color.Length > 0;
}
