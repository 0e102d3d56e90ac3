using System.Diagnostics;

namespace BotBottle.Cli.Tests.Commands;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// The real `botbottle` command, installed as the README says (packed as a .NET tool, then
/// `dotnet tool install` from that package) and run as a process: with piped stdin (no terminal),
/// or under `script` for a pseudo-terminal.
/// </summary>
public static class Cli
{
    private static readonly Lazy<Task<string>> Installed = new(InstalledTool.InstallAsync);

    public static async Task<CliResult> RunAsync(string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(await Installed.Value) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("BOTBOTTLE_SERVER");
        start.Environment.Remove("BOTBOTTLE_TOKEN");
        return await RunProcessAsync(start, stdin);
    }

    /// <summary>Under a pseudo-terminal (util-linux `script`): the CLI sees a terminal on stdin and stdout; both streams arrive together.</summary>
    public static async Task<CliResult> RunOnTerminalAsync(string typed, params string[] args)
    {
        var command = string.Join(' ', new[] { await Installed.Value }.Concat(args).Select(Quote));
        var start = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-q", "-e", "-c", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        return await RunProcessAsync(start, typed);
    }

    private static async Task<CliResult> RunProcessAsync(ProcessStartInfo start, string? stdin)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            foreach (var line in stdin.Split('\n'))
            {
                // A person types one answer after another; the pty delivers each as its own line.
                await process.StandardInput.WriteAsync(line + "\n");
                await process.StandardInput.FlushAsync();
                await Task.Delay(300);
            }
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
