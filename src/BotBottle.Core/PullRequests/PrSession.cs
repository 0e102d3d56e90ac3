namespace BotBottle.Core.PullRequests;

/// <summary>
/// The registry entry of one open PR: the bottle that serves it and the harness session to
/// resume, with the cwd pinned (Claude finds a session by its absolute cwd).
/// </summary>
public sealed record PrSession
{
    public required string Repository { get; init; }

    public required int Number { get; init; }

    public required string Slug { get; init; }

    public required string SessionId { get; init; }

    public required string Agent { get; init; }

    public required string Cwd { get; init; }

    /// <summary>Runs on the current session; past the rotation limit a fresh session is seeded with a summary.</summary>
    public int Turns { get; init; }

    /// <summary>How many times the session was rotated.</summary>
    public int Rotations { get; init; }

    public string LastDelivery { get; init; } = "";

    public string LastEvent { get; init; } = "";

    public string? PullRequestUrl { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The fencing token of the turn that wrote this entry.</summary>
    public long Fence { get; init; }

    public string Key => KeyOf(Repository, Number);

    /// <summary>Gitea compares repository names without regard to case; so does the registry.</summary>
    public static string KeyOf(string repository, int number)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repository);
        return $"{repository.ToLowerInvariant()}#{number}";
    }
}
