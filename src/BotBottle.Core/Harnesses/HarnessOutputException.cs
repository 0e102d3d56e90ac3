namespace BotBottle.Core.Harnesses;

/// <summary>The harness printed something that is not the result it promises; the message quotes the start of it.</summary>
public sealed class HarnessOutputException : Exception
{
    public HarnessOutputException(string message) : base(message)
    {
    }

    public HarnessOutputException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public HarnessOutputException()
    {
    }

    internal static HarnessOutputException For(string harness, string problem, string stdout)
    {
        var excerpt = stdout.Length <= 200 ? stdout : stdout[..200] + "...";
        return new HarnessOutputException($"{harness}: {problem}; output began: {excerpt.Trim()}");
    }
}
