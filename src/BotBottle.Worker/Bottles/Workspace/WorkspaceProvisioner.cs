using System.Diagnostics;
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

    /// <summary>Moves an existing clone to <paramref name="commit"/>, fetching it from the clone's origin first.</summary>
    public async Task CheckoutAsync(string workspaceDirectory, string commit, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Combine(workspaceDirectory, ".git")))
        {
            return;
        }

        var origin = new WorkspaceSource.GitClone("origin", commit);
        await GitAsync(["fetch", "--quiet", "origin"], workspaceDirectory, origin, cancellationToken);
        await GitAsync(["checkout", "--quiet", "--force", "--detach", commit], workspaceDirectory, origin, cancellationToken);
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
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Never stop to ask for credentials: there is nobody to answer.
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("git could not be started");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            var message = (await stderr).Replace(clone.Repository, clone.RedactedRepository, StringComparison.Ordinal).Trim();
            throw new InvalidOperationException($"git {arguments[0]} of {clone.RedactedRepository} failed: {message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cloning {Repository} at {Reference}")]
    private static partial void LogCloning(ILogger logger, string repository, string reference);
}
