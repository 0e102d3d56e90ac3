using System.IO.Compression;
using System.Net;
using System.Text;

namespace BotBottle.Egress.Scanner.Tests;

/// <summary>
/// A made-up credential for every pattern family the Worker configures, shaped to match its regex and
/// valid nowhere, and the places in a request an agent could put one.
/// </summary>
public static class FakeCredentials
{
    /// <summary>Where a split token is cut: past every distinctive prefix, so neither half is a credential.</summary>
    public const int SplitAt = 6;

    private const string Alphabet = "A1b2C3d4E5f6G7h8J9k0LmNpQrStUvWxYz";

    /// <summary>One fake credential per pattern name in <c>CredentialPatterns.All</c>.</summary>
    public static IReadOnlyDictionary<string, string> ByPattern { get; } = new Dictionary<string, string>
    {
        ["anthropic-api-key"] = "sk-ant-api03-" + Alnum(40, 1),
        ["openai-api-key"] = "sk-proj-" + Alnum(48, 2),
        ["github-token"] = "ghp_" + Alnum(36, 3),
        ["gitlab-token"] = "glpat-" + Alnum(20, 4),
        ["aws-access-key-id"] = "AKIA" + Alnum(16, 5).ToUpperInvariant(),
        ["google-api-key"] = "AIza" + Alnum(35, 6),
        ["slack-token"] = "xoxb-" + "123456789012-" + Alnum(24, 7),
        ["private-key"] = "-----BEGIN RSA PRIVATE KEY-----",
    };

    /// <summary>Each way of carrying a token in a request, by name.</summary>
    public static IReadOnlyDictionary<string, Func<string, HttpRequestSpec>> Placements { get; } =
        new Dictionary<string, Func<string, HttpRequestSpec>>
        {
            ["url-path"] = t => Get($"/v1/{UrlSafe(t)}/items"),
            ["url-query"] = t => Get($"/v1/items?key={UrlSafe(t)}&page=2"),
            ["url-percent-encoded"] = t => Get($"/v1/items?key={PercentAll(t)}"),
            ["url-nul-then-percent-encoded"] = t => Get($"/v1/items%00?key=%00{PercentAll(t)}"),
            ["url-nul-then-raw"] = t => Get($"/v1/%00/{UrlSafe(t)}"),
            ["url-double-percent-encoded"] = t => Get($"/v1/items?key={PercentAll(t).Replace("%", "%25", StringComparison.Ordinal)}"),
            ["url-userinfo"] = t => new($"GET http://x-access-token:{UrlSafe(t)}@github.com/octo/hello.git/info/refs HTTP/1.1\r\nHost: github.com\r\n"),
            ["authorization-percent-nul"] = t => Get("/", $"Authorization: Bearer %00{t}\r\n"),
            ["authorization-percent-nul-encoded"] = t => Get("/", $"Authorization: Bearer %00{PercentAll(t)}\r\n"),
            ["authorization-raw-nul"] = t => Get("/", $"Authorization: Bearer \0{t}\r\n"),
            ["second-authorization"] = t => Get("/", $"Authorization: Bearer ollama\r\nAuthorization: Bearer {t}\r\n"),
            ["second-cookie"] = t => Get("/", $"Cookie: theme=dark\r\nCookie: session={t}\r\n"),
            ["x-foo-header"] = t => Get("/", $"X-Foo: {t}\r\n"),
            ["header-name"] = t => Get("/", $"X-{UrlSafe(t)}: 1\r\n"),
            ["basic"] = t => Get("/", $"Authorization: Basic {Base64("x-access-token:" + t)}\r\n"),
            ["basic-without-padding"] = t => Get("/", $"Authorization: Basic {UnpaddedBase64("x-access-token:", t)}\r\n"),
            ["basic-token-as-user"] = t => Get("/", $"Authorization: Basic {Base64(t + ":x-oauth-basic")}\r\n"),
            ["basic-nul-before-password"] = t => Get("/", $"Authorization: Basic {Base64("x:\0" + t)}\r\n"),
            ["basic-url-safe-alphabet"] = t => Get("/", $"Authorization: Basic {Base64("git:" + t).Replace('+', '-').Replace('/', '_')}\r\n"),
            ["basic-proxy-authorization"] = t => Get("/", $"Proxy-Authorization: Basic {Base64("x-access-token:" + t)}\r\n"),
            ["basic-in-x-foo"] = t => Get("/", $"X-Foo: Basic {Base64("x-access-token:" + t)}\r\n"),
            ["form-body"] = t => Post("application/x-www-form-urlencoded", Bytes("grant_type=client&token=" + WebUtility.UrlEncode(t))),
            ["form-body-percent-encoded"] = t => Post("application/x-www-form-urlencoded", Bytes("token=" + PercentAll(t))),
            ["json-body"] = t => Post("application/json", Bytes($"{{\"name\":\"demo\",\"token\":\"{t}\"}}")),
            ["json-body-unicode-escaped"] = t => Post("application/json", Bytes($"{{\"token\":\"{UnicodeEscaped(t)}\"}}")),
            ["body-nul-before"] = t => Post("application/octet-stream", Bytes("\0\0\0" + t)),
            ["body-split-across-icap-chunks"] = t => Post("text/plain", Bytes("token=" + t), [6 + SplitAt]),
            ["body-split-into-one-byte-chunks"] = t => Post("text/plain", Bytes(t), [.. Enumerable.Range(1, t.Length - 1)]),
            ["gzip-body"] = t => Post("application/json", Gzip(Bytes($"{{\"token\":\"{t}\"}}")), encoding: "gzip"),
            ["gzip-body-split-across-icap-chunks"] = t => Post("application/json", Gzip(Bytes($"{{\"token\":\"{t}\"}}")), [5, 17], "gzip"),
            ["deflate-body"] = t => Post("application/json", Compress(Bytes(t), s => new ZLibStream(s, CompressionLevel.Optimal)), encoding: "deflate"),
            ["raw-deflate-body"] = t => Post("application/json", Compress(Bytes(t), s => new DeflateStream(s, CompressionLevel.Optimal)), encoding: "deflate"),
            ["br-body"] = t => Post("application/json", Compress(Bytes(t), s => new BrotliStream(s, CompressionLevel.Optimal)), encoding: "br"),
            ["gzip-then-br-body"] = t => Post(
                "application/json",
                Compress(Gzip(Bytes(t)), s => new BrotliStream(s, CompressionLevel.Optimal)),
                encoding: "gzip, br"),
            ["gzip-body-undeclared"] = t => Post("application/gzip", Gzip(Bytes("file contents\n" + t + "\n"))),
            ["http-chunked-body-split"] = t => new(
                "POST http://api.example.com/upload HTTP/1.1\r\nHost: api.example.com\r\nTransfer-Encoding: chunked\r\n",
                HttpChunked(Bytes("token=" + t), 6 + SplitAt)),
        };

    private static string Alnum(int length, int seed) =>
        string.Concat(Enumerable.Range(0, length).Select(i => Alphabet[(i * 7 + seed * 13) % Alphabet.Length]));

    private static HttpRequestSpec Get(string path, string headers = "") =>
        new($"GET http://api.example.com{path} HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: agent/1.0\r\n{headers}");

    private static HttpRequestSpec Post(string contentType, byte[] body, IReadOnlyList<int>? split = null, string? encoding = null) =>
        new(
            "POST http://api.example.com/v1/things HTTP/1.1\r\nHost: api.example.com\r\n" +
            $"Content-Type: {contentType}\r\nContent-Length: {body.Length}\r\n" +
            (encoding is null ? string.Empty : $"Content-Encoding: {encoding}\r\n"),
            body,
            split);

    /// <summary>Spaces (the private-key header line) are not allowed raw in a request line.</summary>
    private static string UrlSafe(string token) => token.Replace(" ", "%20", StringComparison.Ordinal);

    public static string PercentAll(string token) => string.Concat(Encoding.Latin1.GetBytes(token).Select(b => $"%{b:X2}"));

    private static string UnicodeEscaped(string token) => string.Concat(token.Select(c => $"\\u{(int)c:x4}"));

    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.Latin1.GetBytes(text));

    /// <summary>Base64 of user:token with its '=' padding removed; the user is lengthened until there is padding to remove.</summary>
    private static string UnpaddedBase64(string user, string token)
    {
        var encoded = Base64(user + token);
        while (!encoded.EndsWith('='))
        {
            user = "x" + user;
            encoded = Base64(user + token);
        }

        return encoded.TrimEnd('=');
    }

    public static byte[] Gzip(byte[] data) => Compress(data, s => new GZipStream(s, CompressionLevel.Optimal));

    private static byte[] Compress(byte[] data, Func<Stream, Stream> compressor)
    {
        var output = new MemoryStream();
        using (var stream = compressor(output))
        {
            stream.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>HTTP/1.1 chunked framing of <paramref name="data"/> cut at <paramref name="split"/>.</summary>
    private static byte[] HttpChunked(byte[] data, int split) =>
        IcapRequests.Chunked(data, [split]);
}
