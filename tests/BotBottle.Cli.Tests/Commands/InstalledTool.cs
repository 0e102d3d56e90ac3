using System.Diagnostics;
using BotBottle.Testing;

namespace BotBottle.Cli.Tests.Commands;

/// <summary>
/// Packs src/BotBottle.Cli (already built with the solution) under a version of this run's own and
/// installs it with `dotnet tool install`, into a tool path and a NuGet cache of the run's own, so a
/// stale package from an earlier run can never be the one tested.
/// </summary>
internal static class InstalledTool
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TempDirectory Root = new("botbottle-cli-tool");

    /// <returns>The installed `botbottle` command's path.</returns>
    public static async Task<string> InstallAsync()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Root.Dispose();
        var project = Path.Combine(RepositoryRoot(), "src", "BotBottle.Cli", "BotBottle.Cli.csproj");
        var packages = Root.Combine("packages");
        var tools = Root.Combine("tools");
        var version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
        await DotnetAsync("pack", project, "--no-build", "-c", Configuration, "-o", packages, $"-p:PackageVersion={version}");
        await DotnetAsync("tool", "install", "BotBottle.Cli", "--tool-path", tools, "--add-source", packages, "--version", version);
        return Path.Combine(tools, "botbottle");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BotBottle.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no BotBottle.sln above {AppContext.BaseDirectory}");
    }

    private static async Task DotnetAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NUGET_PACKAGES"] = Root.Combine("nuget");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} exited {process.ExitCode}: {await stdout}{await stderr}");
        }
    }
}
