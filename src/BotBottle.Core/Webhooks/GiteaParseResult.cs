using System.Diagnostics.CodeAnalysis;

namespace BotBottle.Core.Webhooks;

/// <summary>Either a parsed event or why there is none. Every failure is the sender's fault: answer 400.</summary>
public sealed record GiteaParseResult
{
    private GiteaParseResult(GiteaEvent? @event, GiteaParseError? error)
    {
        Event = @event;
        Error = error;
    }

    public GiteaEvent? Event { get; }

    public GiteaParseError? Error { get; }

    [MemberNotNullWhen(true, nameof(Event))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Event is not null;

    public static GiteaParseResult Success(GiteaEvent @event) => new(@event ?? throw new ArgumentNullException(nameof(@event)), null);

    public static GiteaParseResult Failure(GiteaParseErrorKind kind, string message) => new(null, new GiteaParseError(kind, message));
}

public sealed record GiteaParseError(GiteaParseErrorKind Kind, string Message)
{
    public override string ToString() => $"{Kind}: {Message}";
}

public enum GiteaParseErrorKind
{
    /// <summary>No <c>X-Gitea-Event</c> (nor <c>X-Gitea-Event-Type</c>) header: not a Gitea delivery.</summary>
    MissingEventHeader,

    /// <summary>The body is not JSON.</summary>
    MalformedJson,

    /// <summary>The body is JSON, but a field this event needs is absent, null, of the wrong type or ill-formed.</summary>
    MissingField,
}
