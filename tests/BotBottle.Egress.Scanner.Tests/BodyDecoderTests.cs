using System.Text;

namespace BotBottle.Egress.Scanner.Tests;

/// <summary>The bounded decoders, driven directly so allocation can be measured on one thread.</summary>
public sealed class BodyDecoderTests
{
    private const long Cap = 1024 * 1024;

    [Fact]
    public void Gzip_bomb_stops_at_the_cap_without_allocating_its_unpacked_size()
    {
        var bomb = FakeCredentials.Gzip(new byte[10 * 1024 * 1024]);
        var input = new ArraySegment<byte>(bomb);

        var before = GC.GetAllocatedBytesForCurrentThread();
        DecodeOutcome outcome;
        int length;
        using (var output = new PooledByteBuffer(0))
        {
            outcome = BodyDecoder.Decompress(input, "gzip", Cap, output);
            length = output.Length;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(DecodeOutcome.TooLarge, outcome);
        Assert.Equal(Cap, length);

        // The output buffer grows by doubling to the cap (at most ~2x the cap the first time the pool
        // sees these sizes); the 10 MiB the bomb unpacks to is never allocated.
        Assert.True(allocated < 2.5 * Cap, $"allocated {allocated} bytes decoding a bomb with a {Cap}-byte cap");
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("x-gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public void Each_coding_round_trips(string coding)
    {
        var data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello ", 1000)));
        var compressed = coding switch
        {
            "br" => Compress(data, s => new System.IO.Compression.BrotliStream(s, System.IO.Compression.CompressionLevel.Fastest)),
            "deflate" => Compress(data, s => new System.IO.Compression.ZLibStream(s, System.IO.Compression.CompressionLevel.Fastest)),
            _ => FakeCredentials.Gzip(data),
        };
        using var output = new PooledByteBuffer();

        Assert.Equal(DecodeOutcome.Complete, BodyDecoder.Decompress(new ArraySegment<byte>(compressed), coding, Cap, output));
        Assert.Equal(data, output.Span.ToArray());
    }

    [Fact]
    public void Unknown_coding_is_reported_not_guessed()
    {
        using var output = new PooledByteBuffer();

        Assert.Equal(DecodeOutcome.Unsupported, BodyDecoder.Decompress(new ArraySegment<byte>([1, 2, 3]), "zstd", Cap, output));
    }

    [Theory]
    [InlineData("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", "Complete")]
    [InlineData("5;name=value\r\nhello\r\n0\r\n\r\n", "hello", "Complete")]
    [InlineData("5\nhello\n0\n\n", "hello", "Complete")]
    [InlineData("5\r\nhel", "hel", "Damaged")]
    [InlineData("not chunked", "", "Damaged")]
    public void Http_chunked_framing_is_removed_leniently(string body, string expected, string outcome)
    {
        using var output = new PooledByteBuffer();

        Assert.Equal(Enum.Parse<DecodeOutcome>(outcome), BodyDecoder.Dechunk(Encoding.Latin1.GetBytes(body), output));
        Assert.Equal(expected, Encoding.Latin1.GetString(output.Span));
    }

    private static byte[] Compress(byte[] data, Func<Stream, Stream> compressor)
    {
        var output = new MemoryStream();
        using (var stream = compressor(output))
        {
            stream.Write(data);
        }

        return output.ToArray();
    }
}
