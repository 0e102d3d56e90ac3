using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace BotBottle.Worker.Tests.Support;

/// <summary>
/// The real Worker executable (BotBottle.Worker.dll) as a separate process, configured through
/// environment variables as the AppHost would, so it can be killed like a crashed Worker.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private bool _killed;

    private WorkerProcess(Process process)
    {
        _process = process;
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Throws with the Worker's log when it died on its own: waiting on it further is pointless.</summary>
    public void ThrowIfDied()
    {
        if (_process.HasExited && !_killed)
        {
            throw new InvalidOperationException($"the Worker exited with code {_process.ExitCode}:\n{Log}");
        }
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static WorkerProcess Start(string redisConnection, BottleHarness bottles, TimeSpan reclaimAfter, IReadOnlyDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BotBottle.Worker.dll"));
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{RedisServer.FreePort()}";
        start.Environment["ConnectionStrings__redis"] = redisConnection;
        start.Environment["BotBottle__StateRoot"] = bottles.Options.StateRoot;
        start.Environment["BotBottle__ManifestPath"] = bottles.ManifestPath;
        start.Environment["BotBottle__Jobs__ReclaimAfter"] = reclaimAfter.ToString("c", CultureInfo.InvariantCulture);
        start.Environment["BotBottle__Jobs__PollInterval"] = "00:00:00.100";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the Worker did not start");
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>SIGKILL: no shutdown hooks, no acknowledgement, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        _killed = true;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
