using System.Net;
using System.Text;
using BotBottle.Core.Egress;

namespace BotBottle.Egress.Scanner.Tests;

/// <summary>A log that tests can read while the server writes to it from other threads.</summary>
public sealed class CapturingLog : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    public override void Write(char value)
    {
        lock (_lock)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            _text.Append(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_lock)
        {
            _text.Append(value).Append('\n');
        }
    }
}

/// <summary>
/// A real scanner on 127.0.0.1 with a free port, loaded with the patterns the Worker writes
/// (<see cref="CredentialPatterns.ToScannerFile"/>), for tests that talk raw ICAP to it over TCP.
/// </summary>
public sealed class ScannerServer : IAsyncLifetime
{
    public const long MaxBody = ScannerOptions.DefaultMaxBodyBytes;

    private IcapServer? _server;

    public CapturingLog Log { get; } = new();

    public IPEndPoint EndPoint => _server?.LocalEndPoint ?? throw new InvalidOperationException("The server is not started.");

    internal static ScanPatterns RealPatterns { get; } = ScanPatterns.Parse(CredentialPatterns.ToScannerFile(), "patterns");

    public Task<IcapTestClient> ConnectAsync() => IcapTestClient.ConnectAsync(EndPoint);

    public Task InitializeAsync()
    {
        _server = Start(MaxBody, TimeSpan.FromSeconds(30), Log);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    internal static IcapServer Start(long maxBody, TimeSpan idleTimeout, TextWriter log) =>
        IcapServer.Start(new IcapServerSettings(new IPEndPoint(IPAddress.Loopback, 0), maxBody, idleTimeout), RealPatterns, log);
}
