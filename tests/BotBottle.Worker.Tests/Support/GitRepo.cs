using BotBottle.Testing;
using System.Diagnostics;

namespace BotBottle.Worker.Tests.Support;

/// <summary>A real git repository on disk, built commit by commit with the git CLI.</summary>
public static class GitRepo
{
    /// <summary>Writes <paramref name="file"/>, commits it and returns the commit id.</summary>
    public static async Task<string> CommitAsync(string repository, string file, string content)
    {
        if (!Directory.Exists(Path.Combine(repository, ".git")))
        {
            await GitAsync(repository, "init", "--quiet", "--initial-branch=main");
        }

        await File.WriteAllTextAsync(Path.Combine(repository, file), content);
        await GitAsync(repository, "add", file);
        await GitAsync(repository, "-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "--quiet", "-m", $"write {file}");
        return (await GitAsync(repository, "rev-parse", "HEAD")).Trim();
    }

    private static async Task<string> GitAsync(string repository, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = repository, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
    }
}
