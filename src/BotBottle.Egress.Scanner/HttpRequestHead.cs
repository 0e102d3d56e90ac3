using System.Text;

namespace BotBottle.Egress.Scanner;

/// <summary>One header line of the encapsulated HTTP request, as Latin-1 text (one character per byte).</summary>
internal readonly record struct HttpHeaderField(string Name, string Value);

/// <summary>
/// The HTTP request head Squid encapsulates in a REQMOD: the exact bytes (echoed unchanged and scanned
/// whole, so no header can slip past through a parsing quirk) and the request line and header lines
/// split out, every instance of every header name kept, for the decoders that need a particular header
/// (<c>Authorization</c>, <c>Content-Encoding</c>, <c>Transfer-Encoding</c>).
/// </summary>
internal sealed class HttpRequestHead
{
    private HttpRequestHead(byte[] raw, string method, string target, string version, IReadOnlyList<HttpHeaderField> headers)
    {
        Raw = raw;
        Method = method;
        Target = target;
        Version = version;
        Headers = headers;
    }

    /// <summary>The head exactly as received, terminating empty line included.</summary>
    public byte[] Raw { get; }

    public string Method { get; }

    /// <summary>The request target as sent (absolute URL, origin form or CONNECT authority). Never log it.</summary>
    public string Target { get; }

    public string Version { get; }

    /// <summary>Every header line in order, duplicates included.</summary>
    public IReadOnlyList<HttpHeaderField> Headers { get; }

    /// <summary>Parses <paramref name="raw"/>, which must end with the empty line that closes an HTTP head.</summary>
    /// <exception cref="IcapProtocolException">The bytes are not an HTTP request head.</exception>
    public static HttpRequestHead Parse(byte[] raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (!raw.AsSpan().EndsWith("\r\n\r\n"u8))
        {
            throw new IcapProtocolException("the encapsulated HTTP head does not end with an empty line");
        }

        var text = Encoding.Latin1.GetString(raw, 0, raw.Length - 4);
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine.Any(part => part.Length == 0))
        {
            throw new IcapProtocolException("the encapsulated HTTP request line is not 'method target version'");
        }

        var headers = new List<HttpHeaderField>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 0 && line[0] is ' ' or '\t' && headers.Count > 0)
            {
                // An obsolete folded continuation: part of the previous header's value.
                var previous = headers[^1];
                headers[^1] = previous with { Value = previous.Value + " " + line.Trim(' ', '\t') };
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new IcapProtocolException($"encapsulated HTTP header line {i} has no name and colon");
            }

            headers.Add(new HttpHeaderField(line[..colon].Trim(' ', '\t'), line[(colon + 1)..].Trim(' ', '\t')));
        }

        return new HttpRequestHead(raw, requestLine[0], requestLine[1], requestLine[2], headers);
    }

    /// <summary>The values of every instance of header <paramref name="name"/> (case-insensitive).</summary>
    public IEnumerable<string> Values(string name) =>
        Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    /// <summary>
    /// The comma-separated list tokens of every instance of header <paramref name="name"/>, in order,
    /// lower-cased: how <c>Content-Encoding</c> and <c>Transfer-Encoding</c> are read.
    /// </summary>
    public IReadOnlyList<string> ListTokens(string name) =>
        [.. Values(name)
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(t => t.ToLowerInvariant())];
}
