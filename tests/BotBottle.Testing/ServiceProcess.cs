using System.Diagnostics;
using System.Text;

namespace BotBottle.Testing;

/// <summary>
/// A BotBottle service (BotBottle.Worker.dll, BotBottle.Web.dll) run as its own process, configured
/// through environment variables as the AppHost would, so it can be killed like a crashed one.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private bool _killed;

    private ServiceProcess(Process process, string name, Uri url)
    {
        _process = process;
        Name = name;
        Url = url;
    }

    public string Name { get; }

    /// <summary>Where the service's HTTP endpoints listen.</summary>
    public Uri Url { get; }

    public int ProcessId => _process.Id;

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

    /// <param name="assembly">The service's entry assembly file name, next to the test assembly.</param>
    /// <param name="url">Where to listen; a free loopback port when null (a restart passes the old one).</param>
    public static ServiceProcess Start(string assembly, IReadOnlyDictionary<string, string> settings, Uri? url = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        url ??= new Uri($"http://127.0.0.1:{RedisServer.FreePort()}");
        // BOTBOTTLE_SERVICE_DIR runs another build of the services (an older commit's) under the same
        // tests: how a fix is shown to fail without it.
        var directory = Environment.GetEnvironmentVariable("BOTBOTTLE_SERVICE_DIR") is { Length: > 0 } other ? other : AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(directory, assembly));
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_URLS"] = url.ToString();
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{assembly} did not start");
        var service = new ServiceProcess(process, Path.GetFileNameWithoutExtension(assembly), url);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits until the service answers /alive.</summary>
    public async Task WaitUntilAliveAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            ThrowIfDied();
            try
            {
                using var response = await http.GetAsync(new Uri("/alive", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} did not come alive within {timeout}:\n{Log}");
    }

    /// <summary>Throws with the service's log when it died on its own: waiting on it further is pointless.</summary>
    public void ThrowIfDied()
    {
        if (_process.HasExited && !_killed)
        {
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:\n{Log}");
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no acknowledgement, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        _killed = true;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGSTOP: the process freezes as if cut off from the network; <see cref="ContinueAsync"/> wakes it.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT after <see cref="PauseAsync"/>.</summary>
    public Task ContinueAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager stops a service: shutdown hooks run (a Worker gives its spare networks back).</summary>
    public async Task StopAsync(TimeSpan patience)
    {
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _killed = true;
            await StopAsync(TimeSpan.FromSeconds(20));
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
