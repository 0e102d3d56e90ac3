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
        public string RedactedRepository => Redact(Repository);

        // Records print every member; the repository URL may carry a token.
        protected override bool PrintMembers(System.Text.StringBuilder builder)
        {
            builder.Append("Repository = ").Append(RedactedRepository).Append(", Reference = ").Append(Reference);
            return true;
        }

        /// <summary>
        /// Cuts by position in the text as given: <see cref="Uri.UserInfo"/> is re-escaped, so
        /// searching for it can miss and leave the token in place.
        /// </summary>
        private static string Redact(string repository)
        {
            var scheme = repository.IndexOf("://", StringComparison.Ordinal);
            if (scheme < 0)
            {
                return repository;
            }

            var authorityStart = scheme + 3;
            var authorityEnd = repository.IndexOfAny(['/', '?', '#'], authorityStart);
            var authority = authorityEnd < 0 ? repository[authorityStart..] : repository[authorityStart..authorityEnd];
            var at = authority.LastIndexOf('@');
            return at < 0 ? repository : repository[..authorityStart] + "***" + repository[(authorityStart + at)..];
        }
    }
}
