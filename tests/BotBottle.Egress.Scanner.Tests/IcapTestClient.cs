using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BotBottle.Egress.Scanner.Tests;

/// <summary>One ICAP answer as read off the wire by <see cref="IcapTestClient"/>.</summary>
/// <param name="StatusLine">e.g. <c>ICAP/1.0 200 OK</c>.</param>
/// <param name="Head">The ICAP head text, status line and headers, without the empty line.</param>
/// <param name="EncapsulatedHead">The encapsulated HTTP head bytes (request or response), or empty.</param>
/// <param name="Body">The de-chunked encapsulated body, or null when there is none.</param>
/// <param name="Raw">Every byte of the answer as received.</param>
public sealed record IcapAnswer(string StatusLine, string Head, byte[] EncapsulatedHead, byte[]? Body, byte[] Raw)
{
    public int Status => int.Parse(StatusLine.Split(' ')[1], CultureInfo.InvariantCulture);

    public string EncapsulatedHeadText => Encoding.Latin1.GetString(EncapsulatedHead);

    public string RawText => Encoding.Latin1.GetString(Raw);

    /// <summary>The value of ICAP header <paramref name="name"/>, or null.</summary>
    public string? Header(string name) => HeaderIn(Head, name);

    /// <summary>The value of header <paramref name="name"/> in the encapsulated HTTP head, or null.</summary>
    public string? HttpHeader(string name) => HeaderIn(EncapsulatedHeadText, name);

    private static string? HeaderIn(string head, string name) =>
        head.Split("\r\n").Skip(1)
            .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(line => line[(name.Length + 1)..].Trim())
            .FirstOrDefault();
}

/// <summary>
/// A raw-bytes ICAP client for tests, written independently of the server's parser so the two cannot
/// share a mistake: it sends exactly the bytes it is given and reads answers by their Encapsulated offsets.
/// Every read is bounded by a timeout, so a server that hangs fails the test instead of hanging it.
/// </summary>
public sealed class IcapTestClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly CancellationTokenSource _timeout;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _raw = new();
    private int _position;
    private int _length;

    private IcapTestClient(TcpClient tcp, TimeSpan timeout)
    {
        _tcp = tcp;
        _tcp.NoDelay = true;
        _stream = tcp.GetStream();
        _timeout = new CancellationTokenSource(timeout);
    }

    public static async Task<IcapTestClient> ConnectAsync(IPEndPoint server, TimeSpan? timeout = null)
    {
        var tcp = new TcpClient(server.AddressFamily);
        await tcp.ConnectAsync(server);
        return new IcapTestClient(tcp, timeout ?? TimeSpan.FromSeconds(30));
    }

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes, _timeout.Token);

    /// <summary>Sends <paramref name="request"/> and reads one answer.</summary>
    public async Task<IcapAnswer> ExchangeAsync(byte[] request)
    {
        await SendAsync(request);
        return await ReadAnswerAsync() ?? throw new EndOfStreamException("The server closed the connection without answering.");
    }

    /// <summary>Reads one answer, or returns null when the server closed the connection first.</summary>
    public async Task<IcapAnswer?> ReadAnswerAsync()
    {
        _raw.SetLength(0);
        var headBytes = await ReadUntilAsync("\r\n\r\n"u8.ToArray(), 1024 * 1024);
        if (headBytes is null)
        {
            return null;
        }

        var head = Encoding.Latin1.GetString(headBytes, 0, headBytes.Length - 4);
        var statusLine = head.Split("\r\n")[0];
        var encapsulated = head.Split("\r\n")
            .FirstOrDefault(l => l.StartsWith("Encapsulated:", StringComparison.OrdinalIgnoreCase));
        byte[] httpHead = [];
        byte[]? body = null;
        if (encapsulated is not null)
        {
            var parts = encapsulated["Encapsulated:".Length..].Split(',', StringSplitOptions.TrimEntries)
                .Select(p => p.Split('='))
                .Select(p => (Name: p[0], Offset: int.Parse(p[1], CultureInfo.InvariantCulture)))
                .ToList();
            var last = parts[^1];
            if (parts.Count > 1)
            {
                httpHead = await ReadExactAsync(last.Offset);
            }

            if (last.Name.EndsWith("-body", StringComparison.Ordinal) && last.Name != "null-body")
            {
                body = await ReadChunkedAsync();
            }
        }

        return new IcapAnswer(statusLine, head, httpHead, body, _raw.ToArray());
    }

    /// <summary>True when the server closes the connection (reads end) before the timeout.</summary>
    public async Task<bool> ServerClosesAsync()
    {
        try
        {
            while (true)
            {
                if (_position < _length)
                {
                    return false;
                }

                var read = await _stream.ReadAsync(_buffer, _timeout.Token);
                if (read == 0)
                {
                    return true;
                }

                _position = 0;
                _length = read;
            }
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
        _timeout.Dispose();
        await _raw.DisposeAsync();
    }

    private async Task<byte[]> ReadChunkedAsync()
    {
        var body = new MemoryStream();
        while (true)
        {
            var line = await ReadUntilAsync("\r\n"u8.ToArray(), 4096) ?? throw new EndOfStreamException();
            var sizeText = Encoding.Latin1.GetString(line, 0, line.Length - 2).Split(';')[0].Trim();
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                var end = await ReadUntilAsync("\r\n"u8.ToArray(), 4096);
                Assert.Equal("\r\n"u8.ToArray(), end);
                return body.ToArray();
            }

            body.Write(await ReadExactAsync(size));
            Assert.Equal("\r\n"u8.ToArray(), await ReadExactAsync(2));
        }
    }

    private async Task<byte[]> ReadExactAsync(int count)
    {
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            bytes[i] = await ReadByteAsync() ?? throw new EndOfStreamException();
        }

        return bytes;
    }

    private async Task<byte[]?> ReadUntilAsync(byte[] delimiter, int max)
    {
        var bytes = new List<byte>();
        while (true)
        {
            var next = await ReadByteAsync();
            if (next is null)
            {
                return bytes.Count == 0 ? null : throw new EndOfStreamException("The answer was cut short.");
            }

            bytes.Add(next.Value);
            if (bytes.Count >= delimiter.Length && bytes[^delimiter.Length..].SequenceEqual(delimiter))
            {
                return [.. bytes];
            }

            if (bytes.Count > max)
            {
                throw new InvalidDataException("The answer line is too long.");
            }
        }
    }

    private async ValueTask<byte?> ReadByteAsync()
    {
        if (_position == _length)
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer, _timeout.Token);
            }
            catch (IOException)
            {
                read = 0;
            }

            if (read == 0)
            {
                return null;
            }

            _position = 0;
            _length = read;
        }

        var b = _buffer[_position++];
        _raw.WriteByte(b);
        return b;
    }
}
