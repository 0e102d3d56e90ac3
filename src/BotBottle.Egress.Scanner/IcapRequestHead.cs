using System.Globalization;
using System.Text;

namespace BotBottle.Egress.Scanner;

/// <summary>Where the encapsulated parts of a REQMOD lie, from its <c>Encapsulated</c> header.</summary>
/// <param name="HttpHeadLength">The length of the encapsulated HTTP request head (its terminating empty line included).</param>
/// <param name="HasBody">True for <c>req-body</c>: a chunked body follows the head; false for <c>null-body</c>.</param>
internal readonly record struct ReqmodLayout(int HttpHeadLength, bool HasBody);

/// <summary>
/// The head of one ICAP request (RFC 3507): method, service URI and headers, as Latin-1 text. Only
/// the headers this server acts on are interpreted: <c>Encapsulated</c>, <c>Allow</c>, <c>Preview</c>
/// and <c>Connection</c>.
/// </summary>
internal sealed class IcapRequestHead
{
    private IcapRequestHead(string method, string uri, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        Method = method;
        Uri = uri;
        Headers = headers;
    }

    public string Method { get; }

    public string Uri { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The client accepts <c>204 No Content</c> for an unmodified request (RFC 3507 4.6).</summary>
    public bool Allows204 => Values("Allow")
        .SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries))
        .Contains("204", StringComparer.Ordinal);

    /// <summary>The client will close the connection after this request.</summary>
    public bool WantsClose => Values("Connection")
        .SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries))
        .Contains("close", StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The preview size when the client sends a preview (then the body pauses after it unless the
    /// preview ends with <c>ieof</c>), or null when the whole body comes at once.
    /// </summary>
    /// <exception cref="IcapProtocolException">The header is repeated or not a size.</exception>
    public int? Preview
    {
        get
        {
            var value = Single("Preview");
            if (value is null)
            {
                return null;
            }

            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                ? size
                : throw new IcapProtocolException("the Preview header is not a size");
        }
    }

    /// <summary>
    /// Parses the head bytes up to, not including, the empty line that ends them: lines are split at
    /// LF and a trailing CR is removed.
    /// </summary>
    /// <exception cref="IcapProtocolException">The bytes are not an ICAP/1.0 request head.</exception>
    public static IcapRequestHead Parse(ReadOnlySpan<byte> head)
    {
        var lines = Encoding.Latin1.GetString(head).Split('\n');
        var requestLine = lines[0].TrimEnd('\r').Split(' ');
        if (requestLine.Length != 3 || requestLine[0].Length == 0 || requestLine[1].Length == 0
            || !requestLine[0].All(char.IsAsciiLetterUpper))
        {
            throw new IcapProtocolException("the ICAP request line is not 'METHOD uri ICAP/1.0'");
        }

        if (requestLine[2] != "ICAP/1.0")
        {
            throw new IcapProtocolException("only ICAP/1.0 is spoken here");
        }

        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line[0] is ' ' or '\t')
            {
                throw new IcapProtocolException($"ICAP header line {i} is not 'Name: value'");
            }

            headers.Add(new(line[..colon].TrimEnd(' ', '\t'), line[(colon + 1)..].Trim(' ', '\t')));
        }

        return new IcapRequestHead(requestLine[0], requestLine[1], headers);
    }

    /// <summary>
    /// Reads <c>Encapsulated</c> for a REQMOD: <c>req-hdr=0, req-body=N</c>, <c>req-hdr=0, null-body=N</c>.
    /// A REQMOD without an HTTP request head to scan is refused.
    /// </summary>
    /// <exception cref="IcapProtocolException">The header is missing, repeated or not one of those shapes.</exception>
    public ReqmodLayout GetReqmodLayout(int maxHttpHead)
    {
        var value = Single("Encapsulated") ?? throw new IcapProtocolException("the REQMOD has no Encapsulated header");
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !TryOffset(parts[0], "req-hdr", out var head) || head != 0)
        {
            throw new IcapProtocolException("Encapsulated must be 'req-hdr=0, req-body=N' or 'req-hdr=0, null-body=N'");
        }

        var hasBody = TryOffset(parts[1], "req-body", out var end);
        if (!hasBody && !TryOffset(parts[1], "null-body", out end))
        {
            throw new IcapProtocolException("Encapsulated must be 'req-hdr=0, req-body=N' or 'req-hdr=0, null-body=N'");
        }

        if (end < 4)
        {
            throw new IcapProtocolException("the encapsulated HTTP head is too short to be one");
        }

        if (end > maxHttpHead)
        {
            throw new IcapProtocolException($"the encapsulated HTTP head is larger than {maxHttpHead} bytes");
        }

        return new ReqmodLayout(end, hasBody);
    }

    /// <summary>
    /// Checks the <c>Encapsulated</c> header of an OPTIONS request: absent or <c>null-body=0</c>, since an
    /// options body would have to be read and this server has no use for one.
    /// </summary>
    /// <exception cref="IcapProtocolException">The OPTIONS request carries a body.</exception>
    public void RequireNoBody()
    {
        var value = Single("Encapsulated");
        if (value is not null && !(TryOffset(value.Trim(), "null-body", out var offset) && offset == 0))
        {
            throw new IcapProtocolException("an OPTIONS request must not carry a body");
        }
    }

    private IEnumerable<string> Values(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    private string? Single(string name)
    {
        string? found = null;
        foreach (var value in Values(name))
        {
            if (found is not null)
            {
                throw new IcapProtocolException($"the {name} header appears more than once");
            }

            found = value;
        }

        return found;
    }

    private static bool TryOffset(string part, string name, out int offset)
    {
        offset = 0;
        var equals = part.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            && part.AsSpan(0, equals).Trim().Equals(name, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(part.AsSpan(equals + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }
}
