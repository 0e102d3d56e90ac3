namespace BotBottle.Core.Backends;

/// <summary>Where a bottle's workspace comes from.</summary>
public abstract record WorkspaceSource
{
    private WorkspaceSource()
    {
    }

    /// <summary>An empty workspace.</summary>
    public static WorkspaceSource Empty { get; } = new EmptyWorkspace();

    /// <summary>A copy of a host directory (the operator's cwd when copy-cwd is on).</summary>
    public static WorkspaceSource CopyOf(string directory) => new CopiedDirectory(directory);

    /// <summary>A clone of <paramref name="repository"/> checked out at <paramref name="reference"/> (branch, tag or commit).</summary>
    public static WorkspaceSource GitCloneOf(string repository, string? reference = null) => new GitClone(repository, reference);

    public sealed record EmptyWorkspace : WorkspaceSource;

    public sealed record CopiedDirectory(string Directory) : WorkspaceSource;

    public sealed record GitClone(string Repository, string? Reference) : WorkspaceSource
    {
        /// <summary>The repository without credentials, for logs and events.</summary>
        public string RedactedRepository => Uri.TryCreate(Repository, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? Repository.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal)
            : Repository;
    }
}
