namespace BotBottle.Core.Backends;

/// <summary>No bottle (container or state) exists under the slug a caller named.</summary>
public sealed class BottleNotFoundException : Exception
{
    public BottleNotFoundException(string slug) : base($"no bottle '{slug}'")
    {
        Slug = slug;
    }

    public BottleNotFoundException()
    {
        Slug = "";
    }

    public BottleNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
        Slug = "";
    }

    public string Slug { get; }
}
