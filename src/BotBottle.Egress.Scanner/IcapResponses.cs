using System.Globalization;
using System.Text;

namespace BotBottle.Egress.Scanner;

/// <summary>
/// Composes every answer this server sends, byte for byte: OPTIONS, 100 Continue, 204, the unchanged
/// echo, the 403 block page and the error statuses. A block answer names the reason (a pattern name or
/// a fixed word) and never any request text, so the credential cannot travel back in it.
/// </summary>
internal sealed class IcapResponses(string isTag, long maxBodyBytes, int maxConnections)
{
    public const string ServerName = "botbottle-egress-scanner";

    /// <summary>How long Squid may cache the OPTIONS answer, in seconds.</summary>
    public const int OptionsTtlSeconds = 3600;

    /// <summary>Sent after a preview that ended without <c>ieof</c>: the scan needs the whole body.</summary>
    public static ReadOnlySpan<byte> Continue => "ICAP/1.0 100 Continue\r\n\r\n"u8;

    /// <summary>The ISTag, quoted as the header carries it: it changes whenever the patterns or the cap do.</summary>
    public string IsTag { get; } = "\"" + isTag + "\"";

    /// <summary>Makes an ISTag (at most 32 characters) from the patterns file's fingerprint and the body cap.</summary>
    public static string MakeIsTag(ulong patternsFingerprint, long maxBodyBytes) =>
        "BB-" + ((patternsFingerprint ^ (ulong)maxBodyBytes) * 1099511628211UL).ToString("x16", CultureInfo.InvariantCulture);

    public void WriteOptions(PooledByteBuffer output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLatin1(
            "ICAP/1.0 200 OK\r\n" +
            "Methods: REQMOD\r\n" +
            "Service: BotBottle egress credential scanner\r\n" +
            $"ISTag: {IsTag}\r\n" +
            "Allow: 204\r\n" +
            $"Max-Connections: {maxConnections.ToString(CultureInfo.InvariantCulture)}\r\n" +
            $"Options-TTL: {OptionsTtlSeconds.ToString(CultureInfo.InvariantCulture)}\r\n" +
            $"Date: {HttpDate()}\r\n" +
            $"Server: {ServerName}\r\n" +
            "Encapsulated: null-body=0\r\n" +
            "\r\n");
    }

    /// <summary>The request is clean and the client allowed 204: it forwards its own copy unchanged.</summary>
    public void WriteNoContent(PooledByteBuffer output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLatin1(
            "ICAP/1.0 204 No Content\r\n" +
            $"ISTag: {IsTag}\r\n" +
            $"Date: {HttpDate()}\r\n" +
            $"Server: {ServerName}\r\n" +
            "Encapsulated: null-body=0\r\n" +
            "\r\n");
    }

    /// <summary>
    /// The ICAP head of an unchanged echo, then the HTTP head as received; the caller sends the body
    /// (if any) as one chunk after it with <see cref="WriteChunkStart"/> and <see cref="WriteLastChunk"/>.
    /// </summary>
    public void WriteEchoHead(PooledByteBuffer output, ReadOnlySpan<byte> httpHead, bool hasBody)
    {
        ArgumentNullException.ThrowIfNull(output);
        var length = httpHead.Length.ToString(CultureInfo.InvariantCulture);
        output.WriteLatin1(
            "ICAP/1.0 200 OK\r\n" +
            $"ISTag: {IsTag}\r\n" +
            $"Date: {HttpDate()}\r\n" +
            $"Server: {ServerName}\r\n" +
            (hasBody ? $"Encapsulated: req-hdr=0, req-body={length}\r\n" : $"Encapsulated: req-hdr=0, null-body={length}\r\n") +
            "\r\n");
        output.Write(httpHead);
    }

    /// <summary>The size line of a non-empty chunk of <paramref name="length"/> bytes.</summary>
    public static void WriteChunkStart(PooledByteBuffer output, int length)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLatin1(length.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
    }

    /// <summary>Ends the chunk before it (if <paramref name="afterChunk"/>) and writes the last, empty chunk.</summary>
    public static void WriteLastChunk(PooledByteBuffer output, bool afterChunk)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(afterChunk ? "\r\n0\r\n\r\n"u8 : "0\r\n\r\n"u8);
    }

    /// <summary>
    /// Replaces the request with an HTTP 403 answer naming <paramref name="reason"/> in
    /// <c>X-BotBottle-Block</c> (also on the ICAP head, for Squid's ICAP log).
    /// </summary>
    public void WriteBlock(PooledByteBuffer output, string reason, bool closeConnection)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reason);
        var body = Encoding.UTF8.GetBytes(BlockMessage(reason));
        var httpHead =
            "HTTP/1.1 403 Forbidden\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            $"X-BotBottle-Block: {reason}\r\n" +
            "Cache-Control: no-store\r\n" +
            $"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n" +
            "Connection: close\r\n" +
            "\r\n";
        output.WriteLatin1(
            "ICAP/1.0 200 OK\r\n" +
            $"ISTag: {IsTag}\r\n" +
            $"Date: {HttpDate()}\r\n" +
            $"Server: {ServerName}\r\n" +
            $"X-BotBottle-Block: {reason}\r\n" +
            (closeConnection ? "Connection: close\r\n" : string.Empty) +
            $"Encapsulated: res-hdr=0, res-body={httpHead.Length.ToString(CultureInfo.InvariantCulture)}\r\n" +
            "\r\n");
        output.WriteLatin1(httpHead);
        WriteChunkStart(output, body.Length);
        output.Write(body);
        WriteLastChunk(output, afterChunk: true);
    }

    /// <summary>An ICAP error status; the connection is closed after it.</summary>
    public void WriteError(PooledByteBuffer output, int status, string reasonPhrase)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLatin1(
            $"ICAP/1.0 {status.ToString(CultureInfo.InvariantCulture)} {reasonPhrase}\r\n" +
            $"ISTag: {IsTag}\r\n" +
            $"Date: {HttpDate()}\r\n" +
            $"Server: {ServerName}\r\n" +
            "Connection: close\r\n" +
            "Encapsulated: null-body=0\r\n" +
            "\r\n");
    }

    /// <summary>The text of the 403 page for <paramref name="reason"/>.</summary>
    public string BlockMessage(string reason) => reason switch
    {
        ScanVerdict.BodyTooLarge =>
            $"BotBottle egress: this request was refused because its body is larger than the {maxBodyBytes.ToString(CultureInfo.InvariantCulture)} bytes the credential scan reads.\n",
        ScanVerdict.BodyUnscannable =>
            "BotBottle egress: this request was refused because its body is compressed in a way the credential scan cannot read (or the compression is damaged).\n",
        ScanVerdict.ScanTimeout =>
            "BotBottle egress: this request was refused because the credential scan could not finish in time.\n",
        _ => $"BotBottle egress: this request was refused because it carries a credential ({reason}).\n",
    };

    private static string HttpDate() => DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture);
}
