using System.Globalization;
using System.Text;

namespace BotBottle.Egress.Scanner.Tests;

/// <summary>An HTTP request for a test, as text read one byte per character (so "\0" is a NUL byte).</summary>
/// <param name="Head">The request line and headers; the closing empty line is added if missing.</param>
/// <param name="Body">The body, or null for a request without one.</param>
/// <param name="SplitBodyAt">Offsets at which the body is cut into separate ICAP chunks.</param>
public sealed record HttpRequestSpec(string Head, byte[]? Body = null, IReadOnlyList<int>? SplitBodyAt = null)
{
    public byte[] HeadBytes => Encoding.Latin1.GetBytes(Head.EndsWith("\r\n\r\n", StringComparison.Ordinal) ? Head : Head.TrimEnd('\r', '\n') + "\r\n\r\n");
}

/// <summary>Builds the raw ICAP requests Squid would send.</summary>
public static class IcapRequests
{
    public static byte[] Options(string service = "/reqmod") =>
        Encoding.Latin1.GetBytes($"OPTIONS icap://127.0.0.1:1344{service} ICAP/1.0\r\nHost: 127.0.0.1:1344\r\n\r\n");

    /// <summary>A REQMOD for <paramref name="request"/>, with <c>Allow: 204</c> unless <paramref name="allow204"/> is false.</summary>
    public static byte[] Reqmod(HttpRequestSpec request, bool allow204 = true, string extraHeaders = "")
    {
        ArgumentNullException.ThrowIfNull(request);
        var head = request.HeadBytes;
        var bodyPart = request.Body is null ? "null-body" : "req-body";
        var icap =
            "REQMOD icap://127.0.0.1:1344/reqmod ICAP/1.0\r\n" +
            "Host: 127.0.0.1:1344\r\n" +
            "X-Client-IP: 172.30.0.2\r\n" +
            (allow204 ? "Allow: 204\r\n" : string.Empty) +
            extraHeaders +
            $"Encapsulated: req-hdr=0, {bodyPart}={head.Length}\r\n" +
            "\r\n";
        var bytes = new MemoryStream();
        bytes.Write(Encoding.Latin1.GetBytes(icap));
        bytes.Write(head);
        if (request.Body is not null)
        {
            bytes.Write(Chunked(request.Body, request.SplitBodyAt ?? []));
        }

        return bytes.ToArray();
    }

    /// <summary>The GET a clean request looks like.</summary>
    public static HttpRequestSpec CleanGet(string path = "/repos/octo/hello/commits") => new(
        $"GET http://api.example.com{path} HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n");

    /// <summary><paramref name="body"/> as ICAP chunks cut at <paramref name="splits"/>, then the last chunk.</summary>
    public static byte[] Chunked(byte[] body, IReadOnlyList<int> splits, string lastChunk = "0\r\n\r\n")
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(splits);
        var bytes = new MemoryStream();
        var start = 0;
        foreach (var end in splits.Append(body.Length))
        {
            if (end > start)
            {
                bytes.Write(Encoding.ASCII.GetBytes((end - start).ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
                bytes.Write(body.AsSpan(start, end - start));
                bytes.Write("\r\n"u8);
            }

            start = end;
        }

        bytes.Write(Encoding.ASCII.GetBytes(lastChunk));
        return bytes.ToArray();
    }

    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);
}
