using System.IO.Pipelines;
using System.Net.Sockets;

namespace BotBottle.Egress.Scanner;

/// <summary>
/// Serves one ICAP connection: Squid keeps it open (<c>icap_persistent_connections on</c>) and sends
/// request after request on it. A malformed request gets 400 and the connection is closed, since the
/// stream can no longer be trusted to be in step; a stalled client is dropped after the idle timeout.
/// Nothing that goes wrong here can take down the process or another connection.
/// </summary>
internal sealed class IcapConnection(Socket socket, CredentialScanner scanner, IcapResponses responses, TimeSpan idleTimeout, TextWriter log)
    : IDisposable
{
    /// <summary>Bodies up to this size are copied into the answer and sent in one write; larger ones are sent from where they lie.</summary>
    private const int CopyBodyBelow = 64 * 1024;

    /// <summary>How long to keep reading what a client still sends after its request was refused mid-request.</summary>
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(2);

    private readonly PooledByteBuffer _body = new();
    private readonly PooledByteBuffer _output = new();

    public async Task RunAsync(CancellationToken stop)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        var pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var reader = new IcapRequestReader(pipe, timeout, idleTimeout);
        try
        {
            while (await ServeOneAsync(reader, stream, timeout))
            {
            }
        }
        catch (IcapProtocolException ex)
        {
            log.WriteLine($"{IcapResponses.ServerName}: answered 400 to a malformed ICAP request: {ex.Message}");
            await TrySendErrorAsync(stream, timeout, 400, "Bad Request");
            await CloseAfterAbandonedRequestAsync(reader);
        }
        catch (OperationCanceledException)
        {
            // The client went quiet past the idle timeout, or the server is stopping.
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The client went away (EndOfStreamException is an IOException).
        }
#pragma warning disable CA1031 // One connection's unforeseen failure must not take the scanner down for every bottle request.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The type only: an exception message could quote request text.
            log.WriteLine($"{IcapResponses.ServerName}: a connection failed with {ex.GetType().Name}");
            await TrySendErrorAsync(stream, timeout, 500, "Server Error");
        }
        finally
        {
            await pipe.CompleteAsync();
            await stream.DisposeAsync();
        }
    }

    /// <summary>Gives the connection's buffers back to the pool.</summary>
    public void Dispose()
    {
        _body.Dispose();
        _output.Dispose();
    }

    /// <summary>Reads and answers one request; false when the connection must close after it.</summary>
    private async Task<bool> ServeOneAsync(IcapRequestReader reader, NetworkStream stream, CancellationTokenSource timeout)
    {
        _output.Clear();
        _body.Clear();
        var head = await reader.ReadHeadAsync();
        if (head is null)
        {
            return false;
        }

        switch (head.Method)
        {
            case "OPTIONS":
                head.RequireNoBody();
                responses.WriteOptions(_output);
                await SendAsync(stream, timeout, _output.Memory);
                return !head.WantsClose;
            case "REQMOD":
                return await ReqmodAsync(head, reader, stream, timeout) && !head.WantsClose;
            default:
                responses.WriteError(_output, 405, "Method Not Allowed");
                await SendAsync(stream, timeout, _output.Memory);
                return false;
        }
    }

    private async Task<bool> ReqmodAsync(IcapRequestHead head, IcapRequestReader reader, NetworkStream stream, CancellationTokenSource timeout)
    {
        var layout = head.GetReqmodLayout(IcapRequestReader.MaxHeadBytes);
        var preview = head.Preview;
        var raw = await reader.ReadExactAsync(layout.HttpHeadLength);
        var http = HttpRequestHead.Parse(raw);
        var end = BodyEnd.Complete;
        if (layout.HasBody)
        {
            end = await reader.ReadChunkedBodyAsync(_body, scanner.MaxBodyBytes, inPreview: preview is not null);
            if (end == BodyEnd.PreviewPaused)
            {
                // The scan needs the whole body: ask for the rest.
                await SendAsync(stream, timeout, IcapResponses.Continue.ToArray());
                end = await reader.ReadChunkedBodyAsync(_body, scanner.MaxBodyBytes, inPreview: false);
            }
        }

        if (end == BodyEnd.TooLarge)
        {
            // Reading stopped mid-body, so this connection is out of step: answer, then close it.
            var reason = scanner.ScanHeadOnly(http).BlockedBy ?? ScanVerdict.BodyTooLarge;
            await BlockAsync(stream, timeout, reason, closeConnection: true);
            await CloseAfterAbandonedRequestAsync(reader);
            return false;
        }

        var verdict = scanner.Scan(http, _body);
        if (verdict.BlockedBy is { } blockedBy)
        {
            await BlockAsync(stream, timeout, blockedBy, closeConnection: false);
            return true;
        }

        if (head.Allows204)
        {
            responses.WriteNoContent(_output);
            await SendAsync(stream, timeout, _output.Memory);
            return true;
        }

        await EchoAsync(stream, timeout, raw, layout.HasBody);
        return true;
    }

    /// <summary>Sends the request back exactly as it came: same HTTP head bytes, same body in one chunk.</summary>
    private async Task EchoAsync(NetworkStream stream, CancellationTokenSource timeout, byte[] httpHead, bool hasBody)
    {
        responses.WriteEchoHead(_output, httpHead, hasBody);
        if (hasBody && _body.Length == 0)
        {
            IcapResponses.WriteLastChunk(_output, afterChunk: false);
        }
        else if (hasBody)
        {
            IcapResponses.WriteChunkStart(_output, _body.Length);
            if (_body.Length < CopyBodyBelow)
            {
                _output.Write(_body.Span);
            }
            else
            {
                await SendAsync(stream, timeout, _output.Memory);
                await SendAsync(stream, timeout, _body.Memory);
                _output.Clear();
            }

            IcapResponses.WriteLastChunk(_output, afterChunk: true);
        }

        await SendAsync(stream, timeout, _output.Memory);
    }

    private async Task BlockAsync(NetworkStream stream, CancellationTokenSource timeout, string reason, bool closeConnection)
    {
        // The reason is a pattern name or a fixed word: never the matched text.
        log.WriteLine($"{IcapResponses.ServerName}: refused a request ({reason})");
        _output.Clear();
        responses.WriteBlock(_output, reason, closeConnection);
        await SendAsync(stream, timeout, _output.Memory);
    }

    /// <summary>
    /// A lingering close for a connection left mid-request: stop sending, then read and discard what the
    /// client still sends for a bounded time, so the kernel does not answer unread data with a reset
    /// that could destroy the answer before the client reads it.
    /// </summary>
    private async Task CloseAfterAbandonedRequestAsync(IcapRequestReader reader)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            await reader.DrainAsync(4 * scanner.MaxBodyBytes, DrainTime);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The client stopped sending or went away, or the stream cannot be read on: the connection is done.
        }
    }

    private async Task TrySendErrorAsync(NetworkStream stream, CancellationTokenSource timeout, int status, string reasonPhrase)
    {
        try
        {
            _output.Clear();
            responses.WriteError(_output, status, reasonPhrase);
            await SendAsync(stream, timeout, _output.Memory);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client is gone; there is no one to tell.
        }
    }

    private async Task SendAsync(NetworkStream stream, CancellationTokenSource timeout, ReadOnlyMemory<byte> bytes)
    {
        timeout.CancelAfter(idleTimeout);
        await stream.WriteAsync(bytes, timeout.Token);
    }
}
