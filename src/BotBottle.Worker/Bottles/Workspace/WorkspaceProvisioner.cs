using BotBottle.Core.Backends;

namespace BotBottle.Worker.Bottles.Workspace;

/// <summary>
/// Fills a bottle's workspace directory on the host before launch: a copy of a directory, a git
/// clone at a ref, or nothing. The directory then travels into the container as a tar.
/// </summary>
public sealed partial class WorkspaceProvisioner(ILogger<WorkspaceProvisioner> logger)
{
    public async Task ProvisionAsync(WorkspaceSource source, string workspaceDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workspaceDirectory);
        switch (source)
        {
            case WorkspaceSource.CopiedDirectory copy:
                CopyDirectory(copy.Directory, workspaceDirectory);
                break;
            case WorkspaceSource.GitClone clone:
                await CloneAsync(clone, workspaceDirectory, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Brings a PR's workspace to <paramref name="commit"/> with a fresh clone swapped in. Git never
    /// runs inside the old tree: the agent wrote it, and a crafted <c>.git/config</c> (fsmonitor,
    /// sshCommand) would run commands on this host. The commit is read from <c>.git/HEAD</c> as text.
    /// </summary>
    public async Task RefreshAsync(string workspaceDirectory, string cloneUrl, string commit, CancellationToken cancellationToken)
    {
        if (string.Equals(DetachedHead(workspaceDirectory), commit, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var incoming = $"{workspaceDirectory}.{Guid.NewGuid():N}.incoming";
        try
        {
            await CloneAsync(new WorkspaceSource.GitClone(cloneUrl, commit), incoming, cancellationToken);
            var previous = $"{workspaceDirectory}.{Guid.NewGuid():N}.previous";
            if (Directory.Exists(workspaceDirectory))
            {
                Directory.Move(workspaceDirectory, previous);
            }

            Directory.Move(incoming, workspaceDirectory);
            if (Directory.Exists(previous))
            {
                Directory.Delete(previous, recursive: true);
            }
        }
        finally
        {
            if (Directory.Exists(incoming))
            {
                Directory.Delete(incoming, recursive: true);
            }
        }
    }

    /// <summary>The commit a detached checkout sits on, read without running git; null otherwise.</summary>
    private static string? DetachedHead(string workspaceDirectory)
    {
        var head = Path.Combine(workspaceDirectory, ".git", "HEAD");
        if (!File.Exists(head) || new FileInfo(head).LinkTarget is not null)
        {
            return null;
        }

        var text = File.ReadAllText(head).Trim();
        return text.Length == 40 && text.All(char.IsAsciiHexDigit) ? text : null;
    }

    private static void CopyDirectory(string source, string destination)
    {
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"cannot copy the working directory '{source}': it does not exist");
        }

        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)), overwrite: true);
        }
    }

    private async Task CloneAsync(WorkspaceSource.GitClone clone, string destination, CancellationToken cancellationToken)
    {
        LogCloning(logger, clone.RedactedRepository, clone.Reference ?? "(default branch)");
        await GitAsync(["clone", "--quiet", "--no-checkout", clone.Repository, destination], null, clone, cancellationToken);
        await GitAsync(["checkout", "--quiet", "--detach", clone.Reference ?? "HEAD"], destination, clone, cancellationToken);
    }

    private static async Task GitAsync(string[] arguments, string? workingDirectory, WorkspaceSource.GitClone clone, CancellationToken cancellationToken)
    {
        // Never stop to ask for credentials: there is nobody to answer.
        var (exitCode, stderr) = await HostProcess.RunAsync("git", arguments, cancellationToken, workingDirectory,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["GIT_TERMINAL_PROMPT"] = "0" });
        if (exitCode != 0)
        {
            var message = stderr.Replace(clone.Repository, clone.RedactedRepository, StringComparison.Ordinal).Trim();
            throw new InvalidOperationException($"git {arguments[0]} of {clone.RedactedRepository} failed: {message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cloning {Repository} at {Reference}")]
    private static partial void LogCloning(ILogger logger, string repository, string reference);
}
