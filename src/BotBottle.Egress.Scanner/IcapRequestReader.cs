using System.Buffers;
using System.IO.Pipelines;

namespace BotBottle.Egress.Scanner;

/// <summary>How reading an ICAP chunked body ended.</summary>
internal enum BodyEnd
{
    /// <summary>The last chunk arrived: the body is complete.</summary>
    Complete,

    /// <summary>A preview ended without <c>ieof</c>: the client waits for <c>100 Continue</c> before sending the rest.</summary>
    PreviewPaused,

    /// <summary>The next chunk would take the body past the cap; reading stopped mid-body, so the connection cannot be reused.</summary>
    TooLarge,
}

/// <summary>
/// Reads ICAP requests off one connection: the head up to its empty line, the encapsulated HTTP head by
/// its length, and the chunked body, de-chunked into one buffer so a token split across chunks is
/// scanned whole. Every read has an idle timeout and every part has a size limit, so a client that
/// stalls or floods cannot hold the scanner.
/// </summary>
internal sealed class IcapRequestReader(PipeReader pipe, CancellationTokenSource timeout, TimeSpan idleTimeout)
{
    /// <summary>The largest ICAP head accepted, and the largest encapsulated HTTP head.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>A chunk-size line with its extensions; RFC 3507 uses only <c>ieof</c>.</summary>
    private const int MaxChunkLineBytes = 4096;

    private const int MaxTrailerLines = 64;

    private readonly byte[] _line = new byte[MaxChunkLineBytes + 1];

    /// <summary>Reads the next request head, or returns null when the client closed the connection between requests.</summary>
    /// <exception cref="IcapProtocolException">The head is malformed or over <see cref="MaxHeadBytes"/>.</exception>
    /// <exception cref="EndOfStreamException">The connection closed mid-head.</exception>
    public async ValueTask<IcapRequestHead?> ReadHeadAsync()
    {
        while (true)
        {
            var result = await ReadAsync();
            var buffer = result.Buffer;
            bool found;
            IcapRequestHead? head;
            try
            {
                found = TryTakeHead(ref buffer, out head);
            }
            catch (IcapProtocolException)
            {
                // Consume what was read, so the lingering close can go on reading.
                pipe.AdvanceTo(result.Buffer.End);
                throw;
            }

            if (found)
            {
                pipe.AdvanceTo(buffer.Start);
                return head;
            }

            if (result.IsCompleted)
            {
                pipe.AdvanceTo(buffer.End);
                return buffer.IsEmpty ? null : throw new EndOfStreamException("The connection closed in the middle of an ICAP head.");
            }

            // buffer.Start has moved past any empty lines that were skipped.
            pipe.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes: the encapsulated HTTP head.</summary>
    /// <exception cref="EndOfStreamException">The connection closed first.</exception>
    public async ValueTask<byte[]> ReadExactAsync(int count)
    {
        var bytes = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var result = await ReadAsync();
            var buffer = result.Buffer;
            var take = (int)Math.Min(count - filled, buffer.Length);
            buffer.Slice(0, take).CopyTo(bytes.AsSpan(filled));
            filled += take;
            pipe.AdvanceTo(buffer.GetPosition(take));
            if (filled < count && result.IsCompleted)
            {
                throw new EndOfStreamException("The connection closed in the middle of an encapsulated HTTP head.");
            }
        }

        return bytes;
    }

    /// <summary>
    /// Reads chunks into <paramref name="body"/> until the last chunk, or until a preview pauses
    /// (<paramref name="inPreview"/> and no <c>ieof</c>), or until the body would exceed <paramref name="maxBody"/>.
    /// </summary>
    /// <exception cref="IcapProtocolException">The chunk framing is malformed.</exception>
    /// <exception cref="EndOfStreamException">The connection closed mid-body.</exception>
    public async ValueTask<BodyEnd> ReadChunkedBodyAsync(PooledByteBuffer body, long maxBody, bool inPreview)
    {
        ArgumentNullException.ThrowIfNull(body);
        while (true)
        {
            var length = await ReadLineAsync(MaxChunkLineBytes);
            var size = ParseChunkSize(_line.AsSpan(0, length), out var ieof);
            if (size == 0)
            {
                await SkipTrailersAsync();
                return inPreview && !ieof ? BodyEnd.PreviewPaused : BodyEnd.Complete;
            }

            if (body.Length + size > maxBody)
            {
                return BodyEnd.TooLarge;
            }

            await CopyAsync((int)size, body);
            if (await ReadLineAsync(0) != 0)
            {
                throw new IcapProtocolException("chunk data is longer than its chunk size");
            }
        }
    }

    /// <summary>
    /// Reads and discards what the client still sends, up to <paramref name="maxBytes"/> or until
    /// <paramref name="within"/> passes: closing a socket with unread data makes the kernel reset the
    /// connection, and a reset can destroy the answer the client has not read yet.
    /// </summary>
    public async Task DrainAsync(long maxBytes, TimeSpan within)
    {
        timeout.CancelAfter(within);
        var drained = 0L;
        while (drained < maxBytes)
        {
            var result = await pipe.ReadAsync(timeout.Token);
            drained += result.Buffer.Length;
            pipe.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Parses a chunk-size line: hexadecimal size (leading zeros allowed, at most 15 significant digits
    /// so it cannot overflow), optional whitespace, then optional <c>;</c> extensions, of which
    /// <c>ieof</c> is noted.
    /// </summary>
    /// <exception cref="IcapProtocolException">The line is not a chunk size.</exception>
    internal static long ParseChunkSize(ReadOnlySpan<byte> line, out bool ieof)
    {
        ieof = false;
        var i = 0;
        var size = 0L;
        var significant = 0;
        for (; i < line.Length; i++)
        {
            var digit = HexValue(line[i]);
            if (digit < 0)
            {
                break;
            }

            if ((size != 0 || digit != 0) && ++significant > 15)
            {
                throw new IcapProtocolException("the chunk size is too large");
            }

            size = (size << 4) | (uint)digit;
        }

        if (i == 0)
        {
            throw new IcapProtocolException("the chunk size is not a hexadecimal number");
        }

        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
        {
            i++;
        }

        if (i == line.Length)
        {
            return size;
        }

        if (line[i] != (byte)';')
        {
            throw new IcapProtocolException("the chunk size is followed by something other than an extension");
        }

        foreach (var range in line[(i + 1)..].Split((byte)';'))
        {
            var extension = line[(i + 1)..][range];
            var equals = extension.IndexOf((byte)'=');
            var name = (equals < 0 ? extension : extension[..equals]).Trim(" \t"u8);
            if (name.SequenceEqual("ieof"u8))
            {
                ieof = true;
            }
        }

        return size;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// Finds the head's terminating empty line in <paramref name="buffer"/>. On success the buffer is
    /// moved past it; otherwise it is moved past any empty lines before a request (RFC 9112 2.2).
    /// </summary>
    private static bool TryTakeHead(ref ReadOnlySequence<byte> buffer, out IcapRequestHead? head)
    {
        head = null;
        var reader = new SequenceReader<byte>(buffer);
        while (reader.IsNext("\r\n"u8, advancePast: true))
        {
        }

        buffer = buffer.Slice(reader.Position);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, "\r\n\r\n"u8, advancePastDelimiter: true))
        {
            if (buffer.Length > MaxHeadBytes + 4)
            {
                throw new IcapProtocolException($"the ICAP head is larger than {MaxHeadBytes} bytes");
            }

            return false;
        }

        if (bytes.Length > MaxHeadBytes)
        {
            throw new IcapProtocolException($"the ICAP head is larger than {MaxHeadBytes} bytes");
        }

        head = IcapRequestHead.Parse(bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray());
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    /// <summary>
    /// Reads one CRLF-terminated line of at most <paramref name="maxLength"/> bytes into <see cref="_line"/>.
    /// What was read is consumed before any error is thrown, so the lingering close can keep reading.
    /// </summary>
    private async ValueTask<int> ReadLineAsync(int maxLength)
    {
        while (true)
        {
            var result = await ReadAsync();
            var buffer = result.Buffer;
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is { } end)
            {
                var line = buffer.Slice(0, end);
                if (line.Length > maxLength + 1)
                {
                    pipe.AdvanceTo(buffer.End);
                    throw new IcapProtocolException(maxLength == 0 ? "chunk data is longer than its chunk size" : "a chunk line is too long");
                }

                line.CopyTo(_line);
                var length = (int)line.Length;
                pipe.AdvanceTo(buffer.GetPosition(1, end));
                if (length == 0 || _line[length - 1] != (byte)'\r')
                {
                    throw new IcapProtocolException("a chunk line does not end in CRLF");
                }

                return length - 1;
            }

            if (buffer.Length > maxLength + 1)
            {
                pipe.AdvanceTo(buffer.End);
                throw new IcapProtocolException(maxLength == 0 ? "chunk data is longer than its chunk size" : "a chunk line is too long");
            }

            if (result.IsCompleted)
            {
                pipe.AdvanceTo(buffer.End);
                throw new EndOfStreamException("The connection closed in the middle of an ICAP body.");
            }

            pipe.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async ValueTask CopyAsync(int size, PooledByteBuffer body)
    {
        var remaining = size;
        while (remaining > 0)
        {
            var result = await ReadAsync();
            var buffer = result.Buffer;
            if (buffer.IsEmpty && result.IsCompleted)
            {
                throw new EndOfStreamException("The connection closed in the middle of an ICAP chunk.");
            }

            var take = (int)Math.Min(remaining, buffer.Length);
            var slice = buffer.Slice(0, take);
            slice.CopyTo(body.GetSpan(take));
            body.Advance(take);
            remaining -= take;
            pipe.AdvanceTo(slice.End);
        }
    }

    private async ValueTask SkipTrailersAsync()
    {
        for (var i = 0; i < MaxTrailerLines; i++)
        {
            if (await ReadLineAsync(MaxChunkLineBytes) == 0)
            {
                return;
            }
        }

        throw new IcapProtocolException("too many trailer lines after the last chunk");
    }

    private ValueTask<ReadResult> ReadAsync()
    {
        timeout.CancelAfter(idleTimeout);
        return pipe.ReadAsync(timeout.Token);
    }
}
