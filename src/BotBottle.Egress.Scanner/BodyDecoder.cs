using System.IO.Compression;

namespace BotBottle.Egress.Scanner;

/// <summary>How a bounded decode ended.</summary>
internal enum DecodeOutcome
{
    /// <summary>The whole input was decoded within the cap.</summary>
    Complete,

    /// <summary>The input was not valid to the end; what decoded before the damage is in the output and still scanned.</summary>
    Damaged,

    /// <summary>The output reached the cap: the rest was never produced, so the body cannot be vouched for.</summary>
    TooLarge,

    /// <summary>The content coding is not one this scanner can undo.</summary>
    Unsupported,
}

/// <summary>
/// Undoes the codings a request body can carry, always into a caller's buffer and never past a cap,
/// so a small compressed body (a "zip bomb") cannot make the scanner allocate more than it would for
/// a plain body of the largest size it accepts.
/// </summary>
internal static class BodyDecoder
{
    private const int ReadSize = 16 * 1024;

    /// <summary>True when <paramref name="body"/> starts like a gzip member (magic bytes and the deflate method).</summary>
    public static bool LooksGzipped(ReadOnlySpan<byte> body) =>
        body.Length >= 10 && body[0] == 0x1f && body[1] == 0x8b && body[2] == 8;

    /// <summary>
    /// Decompresses <paramref name="input"/> coded with <paramref name="coding"/> (<c>gzip</c>,
    /// <c>x-gzip</c>, <c>deflate</c> — zlib-wrapped or raw — or <c>br</c>) into <paramref name="output"/>,
    /// stopping as soon as the output would exceed <paramref name="maxOutput"/> bytes.
    /// </summary>
    public static DecodeOutcome Decompress(ArraySegment<byte> input, string coding, long maxOutput, PooledByteBuffer output)
    {
        ArgumentNullException.ThrowIfNull(coding);
        ArgumentNullException.ThrowIfNull(output);
        using var compressed = new MemoryStream(input.Array ?? [], input.Offset, input.Count, writable: false);
        using Stream? decoder = coding switch
        {
            "gzip" or "x-gzip" => new GZipStream(compressed, CompressionMode.Decompress),
            "deflate" when IsZlibHeader(input) => new ZLibStream(compressed, CompressionMode.Decompress),
            "deflate" => new DeflateStream(compressed, CompressionMode.Decompress),
            "br" => new BrotliStream(compressed, CompressionMode.Decompress),
            _ => null,
        };
        if (decoder is null)
        {
            return DecodeOutcome.Unsupported;
        }

        try
        {
            while (true)
            {
                var room = (int)Math.Min(ReadSize, maxOutput - output.Length);
                if (room == 0)
                {
                    // The output is exactly at the cap: one more byte means it would pass it. Probing with
                    // a single byte keeps the buffer at the cap instead of a pool bucket twice its size.
                    Span<byte> probe = stackalloc byte[1];
                    return decoder.Read(probe) == 0 ? DecodeOutcome.Complete : DecodeOutcome.TooLarge;
                }

                var read = decoder.Read(output.GetSpan(room)[..room]);
                if (read == 0)
                {
                    return DecodeOutcome.Complete;
                }

                output.Advance(read);
            }
        }
        catch (InvalidDataException)
        {
            return DecodeOutcome.Damaged;
        }
    }

    /// <summary>
    /// Removes HTTP/1.1 chunked framing from <paramref name="body"/> into <paramref name="output"/>, in
    /// case a body reaches the scanner still framed (a token split by a chunk-size line would otherwise
    /// be hidden). Lenient: what parses before any damage is kept. The output is never longer than the input.
    /// </summary>
    public static DecodeOutcome Dechunk(ReadOnlySpan<byte> body, PooledByteBuffer output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var rest = body;
        while (true)
        {
            var lineEnd = rest.IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                return DecodeOutcome.Damaged;
            }

            var size = 0L;
            var digits = 0;
            foreach (var b in rest[..lineEnd])
            {
                var value = b switch
                {
                    >= (byte)'0' and <= (byte)'9' => b - '0',
                    >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                    >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                    _ => -1,
                };
                if (value < 0)
                {
                    break;
                }

                size = (size << 4) | (uint)value;
                if (++digits > 15)
                {
                    return DecodeOutcome.Damaged;
                }
            }

            rest = rest[(lineEnd + 1)..];
            if (digits == 0)
            {
                return DecodeOutcome.Damaged;
            }

            if (size == 0)
            {
                return DecodeOutcome.Complete;
            }

            var take = (int)Math.Min(size, rest.Length);
            output.Write(rest[..take]);
            if (take < size)
            {
                return DecodeOutcome.Damaged;
            }

            rest = rest[take..];
            if (rest.StartsWith("\r\n"u8))
            {
                rest = rest[2..];
            }
            else if (rest.StartsWith("\n"u8))
            {
                rest = rest[1..];
            }
            else
            {
                return DecodeOutcome.Damaged;
            }
        }
    }

    /// <summary>RFC 1950: compression method 8 and a header checksum that is a multiple of 31.</summary>
    private static bool IsZlibHeader(ArraySegment<byte> input) =>
        input.Count >= 2 && (input[0] & 0x0f) == 8 && ((input[0] << 8) | input[1]) % 31 == 0;
}
