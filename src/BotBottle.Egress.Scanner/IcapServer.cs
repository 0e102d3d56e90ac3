using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace BotBottle.Egress.Scanner;

/// <summary>What the ICAP server listens on and how much it reads.</summary>
/// <param name="Listen">Where to listen; port 0 picks a free port (tests).</param>
/// <param name="MaxBodyBytes">The largest body, and decompressed body, the scan reads; a larger one is refused.</param>
/// <param name="IdleTimeout">How long one read or write may wait before the connection is dropped.</param>
/// <param name="MaxConnections">Advertised in the OPTIONS answer so Squid opens no more than this many.</param>
internal sealed record IcapServerSettings(IPEndPoint Listen, long MaxBodyBytes, TimeSpan IdleTimeout, int MaxConnections = 256);

/// <summary>
/// The ICAP REQMOD service Squid calls for every outbound request of a bottle: it accepts connections
/// and serves each on its own task until stopped. Connections are independent, so one slow or hostile
/// client holds only its own.
/// </summary>
internal sealed class IcapServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IcapServerSettings _settings;
    private readonly CredentialScanner _scanner;
    private readonly IcapResponses _responses;
    private readonly TextWriter _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly Task _acceptLoop;
    private long _nextConnectionId;

    private IcapServer(Socket listener, IcapServerSettings settings, ScanPatterns patterns, TextWriter log)
    {
        _listener = listener;
        _settings = settings;
        _log = log;
        _scanner = new CredentialScanner(patterns, settings.MaxBodyBytes);
        _responses = new IcapResponses(
            IcapResponses.MakeIsTag(patterns.Fingerprint, settings.MaxBodyBytes), settings.MaxBodyBytes, settings.MaxConnections);
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The address actually bound (the chosen port when asked for port 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Binds, listens and starts accepting connections.</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static IcapServer Start(IcapServerSettings settings, ScanPatterns patterns, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentNullException.ThrowIfNull(log);
        var listener = new Socket(settings.Listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(settings.Listen);
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new IcapServer(listener, settings, patterns, TextWriter.Synchronized(log));
    }

    /// <summary>Stops accepting, drops open connections and waits for their tasks to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        await Task.WhenAll(_connections.Values);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        await Task.Yield();
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of descriptors or a connection reset before it was accepted: keep serving the others.
                _log.WriteLine($"{IcapResponses.ServerName}: accepting a connection failed: {ex.SocketErrorCode}");
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
                continue;
            }

            socket.NoDelay = true;
            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new IcapConnection(socket, _scanner, _responses, _settings.IdleTimeout, _log);
            var task = Task.Run(
                async () =>
                {
                    using (connection)
                    {
                        try
                        {
                            await connection.RunAsync(_stop.Token);
                        }
#pragma warning disable CA1031 // The last guard: nothing one connection does may end the process or fail the shutdown.
                        catch (Exception ex)
#pragma warning restore CA1031
                        {
                            _log.WriteLine($"{IcapResponses.ServerName}: a connection ended with {ex.GetType().Name}");
                        }
                    }
                },
                CancellationToken.None);
            _connections[id] = task;
            _ = task.ContinueWith(
                (_, state) => _connections.TryRemove((long)state!, out var _),
                id,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }
}
