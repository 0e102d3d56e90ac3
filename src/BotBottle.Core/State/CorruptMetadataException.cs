namespace BotBottle.Core.State;

/// <summary>A bottle's metadata.json exists but cannot be used; the message names the file so an operator can inspect or delete it.</summary>
public sealed class CorruptMetadataException : Exception
{
    public CorruptMetadataException()
        : this("corrupt bottle metadata")
    {
    }

    public CorruptMetadataException(string message)
        : base(message)
    {
        FilePath = "";
    }

    public CorruptMetadataException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = "";
    }

    public CorruptMetadataException(string filePath, string reason, Exception? innerException = null)
        : base($"corrupt bottle metadata in {filePath}: {reason}", innerException)
    {
        FilePath = filePath;
    }

    public string FilePath { get; }
}
