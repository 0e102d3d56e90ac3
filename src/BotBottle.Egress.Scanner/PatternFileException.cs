namespace BotBottle.Egress.Scanner;

/// <summary>
/// The patterns file is missing, unreadable or has a line that is not a usable pattern. The scanner
/// refuses to start rather than run with fewer patterns than the Worker meant it to have.
/// </summary>
internal sealed class PatternFileException : Exception
{
    public PatternFileException()
    {
    }

    public PatternFileException(string message)
        : base(message)
    {
    }

    public PatternFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
