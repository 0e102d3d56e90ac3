using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace BotBottle.Egress.Scanner;

/// <summary>
/// The process: reads the command line and the patterns file, serves ICAP until SIGTERM or SIGINT.
/// Exit codes: 0 after a clean stop, 1 when the address cannot be bound, 2 for bad arguments or an
/// unreadable or invalid patterns file, so the sidecar fails loudly instead of running without a scan.
/// </summary>
public static class Program
{
    public const int ExitOk = 0;
    public const int ExitCannotListen = 1;
    public const int ExitUsage = 2;

    private const string Name = IcapResponses.ServerName;

    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            // Handled here: the default would end the process before connections are closed.
            context.Cancel = true;
            stop.Cancel();
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        return await RunAsync(args, Console.Error, stop.Token);
    }

    /// <summary>Runs the scanner until <paramref name="stop"/> is cancelled; messages go to <paramref name="stderr"/>.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stderr, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!ScannerOptions.TryParse(args, out var options, out var error))
        {
            await stderr.WriteLineAsync($"{Name}: {error}");
            await stderr.WriteLineAsync(ScannerOptions.Usage);
            return ExitUsage;
        }

        ScanPatterns patterns;
        try
        {
            patterns = ScanPatterns.Load(options!.PatternsPath);
        }
        catch (PatternFileException ex)
        {
            await stderr.WriteLineAsync($"{Name}: {ex.Message}");
            return ExitUsage;
        }

        IcapServer server;
        try
        {
            server = IcapServer.Start(
                new IcapServerSettings(options.Listen, options.MaxBodyBytes, TimeSpan.FromSeconds(60)), patterns, stderr);
        }
        catch (SocketException ex)
        {
            await stderr.WriteLineAsync($"{Name}: cannot listen on {options.Listen}: {ex.SocketErrorCode}");
            return ExitCannotListen;
        }

        await using (server)
        {
            await stderr.WriteLineAsync(
                $"{Name}: listening on {server.LocalEndPoint}, {patterns.Patterns.Count} patterns, bodies up to {options.MaxBodyBytes} bytes");
            try
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM or SIGINT: stop serving.
            }
        }

        await stderr.WriteLineAsync($"{Name}: stopped");
        return ExitOk;
    }
}
