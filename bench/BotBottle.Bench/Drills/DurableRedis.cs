using System.Diagnostics;
using System.Globalization;
using BotBottle.Testing;
using StackExchange.Redis;

namespace BotBottle.Bench.Drills;

/// <summary>
/// A real redis-server that appends every write to its log in a directory of its own, as the
/// AppHost runs it, and can be stopped and started again on the same port and data.
/// </summary>
public sealed class DurableRedis(string directory) : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = RedisServer.FreePort();

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectRetry=10";

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task StartAsync()
    {
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory,
                     "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--maxmemory-policy", "volatile-lru"])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Connection ??= await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=true");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await Connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>SIGTERM, as a service manager restarts it: Redis flushes its log and exits.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }
    }
}
