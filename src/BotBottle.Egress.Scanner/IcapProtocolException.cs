namespace BotBottle.Egress.Scanner;

/// <summary>
/// The ICAP client sent something this server cannot parse: it is answered with 400 and the connection
/// is closed, because the byte stream can no longer be trusted to be in step. The message is composed
/// only of fixed text and numbers, never of request bytes, so a credential cannot leak into a log line.
/// </summary>
internal sealed class IcapProtocolException : Exception
{
    public IcapProtocolException()
    {
    }

    public IcapProtocolException(string message)
        : base(message)
    {
    }

    public IcapProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
