using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace BotBottle.Egress.Scanner.Tests;

/// <summary>The ICAP conversation Squid has with the scanner, well-formed and not.</summary>
public sealed class IcapProtocolTests(ScannerServer server) : IClassFixture<ScannerServer>
{
    private static readonly string CleanHead = Encoding.Latin1.GetString(IcapRequests.CleanGet().HeadBytes);

    /// <summary>Requests the server must refuse with 400 and then close the connection.</summary>
    public static TheoryData<string, string> Malformed => new()
    {
        { "garbage", "hello there\r\n\r\n" },
        { "binary garbage", "\0\x01\x02\xff\xfe\r\n\r\n" },
        { "lower-case method", "reqmod icap://x/reqmod ICAP/1.0\r\n\r\n" },
        { "wrong version", "REQMOD icap://x/reqmod ICAP/2.0\r\nEncapsulated: null-body=0\r\n\r\n" },
        { "header without colon", "REQMOD icap://x/reqmod ICAP/1.0\r\nHost x\r\n\r\n" },
        { "folded header", "REQMOD icap://x/reqmod ICAP/1.0\r\nHost: x\r\n folded\r\n\r\n" },
        { "missing Encapsulated", "REQMOD icap://x/reqmod ICAP/1.0\r\nHost: x\r\n\r\n" + CleanHead },
        { "two Encapsulated", Reqmod("Encapsulated: req-hdr=0, null-body=10\r\nEncapsulated: req-hdr=0, null-body=10\r\n", string.Empty) },
        { "Encapsulated without a request head", Reqmod("Encapsulated: null-body=0\r\n", string.Empty) },
        { "Encapsulated with a response", Reqmod($"Encapsulated: res-hdr=0, res-body={CleanHead.Length}\r\n", CleanHead + "0\r\n\r\n") },
        { "Encapsulated request head not at 0", Reqmod($"Encapsulated: req-hdr=5, null-body={CleanHead.Length}\r\n", CleanHead) },
        { "Encapsulated offset not a number", Reqmod("Encapsulated: req-hdr=0, null-body=-3\r\n", CleanHead) },
        { "Encapsulated offset overflows", Reqmod("Encapsulated: req-hdr=0, null-body=99999999999999999999\r\n", CleanHead) },
        { "Encapsulated offset too short", Reqmod($"Encapsulated: req-hdr=0, req-body={CleanHead.Length - 10}\r\n", CleanHead + "0\r\n\r\n") },
        { "HTTP head over 64 KiB", Reqmod("Encapsulated: req-hdr=0, null-body=70000\r\n", CleanHead + "X-Pad: " + new string('a', 70000)) },
        { "HTTP head without request line", Reqmod("Encapsulated: req-hdr=0, null-body=21\r\n", "Host: example.com\r\n\r\n") },
        { "bad chunk size", Body("zz\r\nhello\r\n0\r\n\r\n") },
        { "negative chunk size", Body("-5\r\nhello\r\n0\r\n\r\n") },
        { "overflowing chunk size", Body("FFFFFFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n") },
        { "chunk size with junk after it", Body("5 x\r\nhello\r\n0\r\n\r\n") },
        { "chunk longer than its size", Body("3\r\nhello\r\n0\r\n\r\n") },
        { "chunk line without CR", Body("5\nhello\r\n0\r\n\r\n") },
        { "chunk line over 4 KiB", Body("5;" + new string('x', 5000) + "\r\nhello\r\n0\r\n\r\n") },
        { "preview not a number", Reqmod("Preview: lots\r\n" + $"Encapsulated: req-hdr=0, req-body={CleanHead.Length}\r\n", CleanHead + "0\r\n\r\n") },
        { "OPTIONS with a body", "OPTIONS icap://x/reqmod ICAP/1.0\r\nEncapsulated: opt-body=0\r\n\r\n" },
        { "ICAP head over 64 KiB", "REQMOD icap://x/reqmod ICAP/1.0\r\nX-Pad: " + new string('a', 70 * 1024) + "\r\n\r\n" },
        { "ICAP head over 64 KiB with no end", "REQMOD icap://x/reqmod ICAP/1.0\r\nX-Pad: " + new string('a', 200 * 1024) },
    };

    [Fact]
    public async Task Options_answer_describes_the_service()
    {
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Options());

        Assert.Equal("ICAP/1.0 200 OK", answer.StatusLine);
        Assert.Equal("REQMOD", answer.Header("Methods"));
        Assert.False(string.IsNullOrWhiteSpace(answer.Header("Service")));
        Assert.Matches("^\"BB-[0-9a-f]{16}\"$", answer.Header("ISTag"));
        Assert.Equal("204", answer.Header("Allow"));
        Assert.True(int.Parse(answer.Header("Max-Connections")!, System.Globalization.CultureInfo.InvariantCulture) >= 20);
        Assert.Equal("3600", answer.Header("Options-TTL"));
        Assert.Equal("null-body=0", answer.Header("Encapsulated"));
        Assert.True(DateTime.TryParse(answer.Header("Date"), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Null(answer.Header("Preview"));
    }

    [Fact]
    public async Task Options_is_answered_for_any_service_path_and_the_ISTag_is_stable()
    {
        await using var client = await server.ConnectAsync();

        var first = await client.ExchangeAsync(IcapRequests.Options("/reqmod"));
        var second = await client.ExchangeAsync(IcapRequests.Options("/other"));
        var clean = await client.ExchangeAsync(IcapRequests.Reqmod(IcapRequests.CleanGet()));

        Assert.Equal(first.Header("ISTag"), second.Header("ISTag"));
        Assert.Equal(first.Header("ISTag"), clean.Header("ISTag"));
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_request_gets_400_and_the_connection_is_closed(string what, string request)
    {
        // A server of its own, so its log and shutdown show exactly what this one request did.
        var log = new CapturingLog();
        var own = ScannerServer.Start(ScannerServer.MaxBody, TimeSpan.FromSeconds(30), log);
        await using (var client = await IcapTestClient.ConnectAsync(own.LocalEndPoint))
        {
            var answer = await client.ExchangeAsync(IcapRequests.Latin1(request));

            Assert.True(answer.StatusLine == "ICAP/1.0 400 Bad Request", $"{what}: {answer.StatusLine}");
            Assert.Equal("close", answer.Header("Connection"));
            Assert.True(await client.ServerClosesAsync(), what);
        }

        await using (var other = await IcapTestClient.ConnectAsync(own.LocalEndPoint))
        {
            Assert.Equal(204, (await other.ExchangeAsync(IcapRequests.Reqmod(IcapRequests.CleanGet()))).Status);
        }

        // Shutdown waits for every connection task; none may have ended in an unforeseen exception.
        await own.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("answered 400 to a malformed ICAP request", log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("failed with", log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("ended with", log.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RESPMOD")]
    [InlineData("FOO")]
    public async Task Unsupported_method_gets_405(string method)
    {
        await using (var client = await server.ConnectAsync())
        {
            var answer = await client.ExchangeAsync(IcapRequests.Latin1($"{method} icap://x/reqmod ICAP/1.0\r\nEncapsulated: null-body=0\r\n\r\n"));

            Assert.Equal("ICAP/1.0 405 Method Not Allowed", answer.StatusLine);
            Assert.True(await client.ServerClosesAsync());
        }

        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Connection_closed_mid_request_does_not_disturb_the_server()
    {
        var full = IcapRequests.Reqmod(new HttpRequestSpec(CleanHead, new byte[5000]));
        for (var cut = 1; cut < full.Length; cut += full.Length / 7)
        {
            var client = await server.ConnectAsync();
            await client.SendAsync(full[..cut]);
            await client.DisposeAsync();
        }

        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Many_requests_share_one_persistent_connection()
    {
        var token = FakeCredentials.ByPattern["gitlab-token"];
        await using var client = await server.ConnectAsync();

        Assert.Equal(200, (await client.ExchangeAsync(IcapRequests.Options())).Status);
        Assert.Equal(204, (await client.ExchangeAsync(IcapRequests.Reqmod(IcapRequests.CleanGet()))).Status);
        CredentialPlacementTests.AssertBlocked(
            await client.ExchangeAsync(IcapRequests.Reqmod(FakeCredentials.Placements["json-body"](token))), "gitlab-token");
        var echo = await client.ExchangeAsync(IcapRequests.Reqmod(new HttpRequestSpec(CleanHead, "abc"u8.ToArray()), allow204: false));
        Assert.Equal("abc"u8.ToArray(), echo.Body);
        CredentialPlacementTests.AssertBlocked(
            await client.ExchangeAsync(IcapRequests.Reqmod(FakeCredentials.Placements["basic"](token))), "gitlab-token");
        Assert.Equal(204, (await client.ExchangeAsync(IcapRequests.Reqmod(new HttpRequestSpec(CleanHead, new byte[100_000])))).Status);
        Assert.Equal(204, (await client.ExchangeAsync(IcapRequests.Reqmod(IcapRequests.CleanGet()))).Status);
    }

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order()
    {
        var token = FakeCredentials.ByPattern["slack-token"];
        await using var client = await server.ConnectAsync();

        await client.SendAsync([
            .. IcapRequests.Reqmod(IcapRequests.CleanGet()),
            .. IcapRequests.Reqmod(FakeCredentials.Placements["x-foo-header"](token)),
            .. IcapRequests.Options(),
            .. IcapRequests.Reqmod(new HttpRequestSpec(CleanHead, "xyz"u8.ToArray()), allow204: false),
        ]);

        Assert.Equal(204, (await client.ReadAnswerAsync())!.Status);
        CredentialPlacementTests.AssertBlocked((await client.ReadAnswerAsync())!, "slack-token");
        Assert.Equal("REQMOD", (await client.ReadAnswerAsync())!.Header("Methods"));
        Assert.Equal("xyz"u8.ToArray(), (await client.ReadAnswerAsync())!.Body);
    }

    [Fact]
    public async Task Connection_close_from_the_client_is_honoured()
    {
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(IcapRequests.CleanGet(), extraHeaders: "Connection: close\r\n"));

        Assert.Equal(204, answer.Status);
        Assert.True(await client.ServerClosesAsync());
    }

    [Fact]
    public async Task Empty_lines_between_requests_are_tolerated()
    {
        await using var client = await server.ConnectAsync();

        await client.SendAsync([.. "\r\n\r\n"u8, .. IcapRequests.Reqmod(IcapRequests.CleanGet())]);

        Assert.Equal(204, (await client.ReadAnswerAsync())!.Status);
    }

    [Fact]
    public async Task Chunk_extensions_trailers_and_leading_zeros_are_accepted()
    {
        var head = IcapRequests.Latin1(CleanHead);
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync([
            .. IcapRequests.Latin1($"REQMOD icap://x/reqmod ICAP/1.0\r\nEncapsulated: req-hdr=0, req-body={head.Length}\r\n\r\n"),
            .. head,
            .. "0000000000000000000003;name=value ; other\r\nabc\r\n0; ieof\r\nX-Trailer: 1\r\n\r\n"u8,
        ]);

        Assert.Equal(200, answer.Status);
        Assert.Equal("abc"u8.ToArray(), answer.Body);
    }

    [Fact]
    public async Task Preview_without_ieof_gets_100_Continue_and_the_whole_body_is_scanned()
    {
        var token = FakeCredentials.ByPattern["github-token"];
        var body = IcapRequests.Latin1("token=" + token);
        var head = IcapRequests.Latin1(CleanHead);
        await using var client = await server.ConnectAsync();

        await client.SendAsync([
            .. IcapRequests.Latin1($"REQMOD icap://x/reqmod ICAP/1.0\r\nAllow: 204\r\nPreview: 8\r\nEncapsulated: req-hdr=0, req-body={head.Length}\r\n\r\n"),
            .. head,
            .. IcapRequests.Chunked(body[..8], []),
        ]);
        var interim = await client.ReadAnswerAsync();
        await client.SendAsync(IcapRequests.Chunked(body[8..], [5]));
        var answer = await client.ReadAnswerAsync();

        Assert.Equal("ICAP/1.0 100 Continue", interim!.StatusLine);
        CredentialPlacementTests.AssertBlocked(answer!, "github-token");
    }

    [Fact]
    public async Task Preview_with_ieof_is_answered_at_once()
    {
        var head = IcapRequests.Latin1(CleanHead);
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync([
            .. IcapRequests.Latin1($"REQMOD icap://x/reqmod ICAP/1.0\r\nAllow: 204\r\nPreview: 1024\r\nEncapsulated: req-hdr=0, req-body={head.Length}\r\n\r\n"),
            .. head,
            .. IcapRequests.Chunked("small body"u8.ToArray(), [], "0; ieof\r\n\r\n"),
        ]);

        Assert.Equal(204, answer.Status);
    }

    [Fact]
    public async Task Preview_of_zero_bytes_then_the_rest()
    {
        var head = IcapRequests.Latin1(CleanHead);
        await using var client = await server.ConnectAsync();

        await client.SendAsync([
            .. IcapRequests.Latin1($"REQMOD icap://x/reqmod ICAP/1.0\r\nPreview: 0\r\nEncapsulated: req-hdr=0, req-body={head.Length}\r\n\r\n"),
            .. head,
            .. "0\r\n\r\n"u8,
        ]);
        var interim = await client.ReadAnswerAsync();
        await client.SendAsync(IcapRequests.Chunked("rest of it"u8.ToArray(), []));
        var answer = await client.ReadAnswerAsync();

        Assert.Equal(100, interim!.Status);
        Assert.Equal("rest of it"u8.ToArray(), answer!.Body);
    }

    [Fact]
    public async Task Twenty_concurrent_connections_of_fifty_requests_each_are_all_answered_correctly()
    {
        var tokens = FakeCredentials.ByPattern.ToList();
        var placements = FakeCredentials.Placements.ToList();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(connection => Task.Run(async () =>
        {
            await using var client = await server.ConnectAsync();
            for (var i = 0; i < 50; i++)
            {
                var n = (connection * 50) + i;
                if (n % 3 == 0)
                {
                    var (pattern, token) = tokens[n % tokens.Count];
                    var answer = await client.ExchangeAsync(IcapRequests.Reqmod(placements[n % placements.Count].Value(token)));
                    CredentialPlacementTests.AssertBlocked(answer, pattern);
                }
                else if (n % 3 == 1)
                {
                    Assert.Equal(204, (await client.ExchangeAsync(IcapRequests.Reqmod(IcapRequests.CleanGet($"/item/{n}")))).Status);
                }
                else
                {
                    var body = Encoding.ASCII.GetBytes($"connection {connection} request {i}");
                    var answer = await client.ExchangeAsync(IcapRequests.Reqmod(new HttpRequestSpec(CleanHead, body), allow204: false));
                    Assert.Equal(body, answer.Body);
                }
            }
        })));
    }

    [Fact]
    public async Task Idle_connection_is_dropped_after_the_idle_timeout()
    {
        await using var quick = ScannerServer.Start(ScannerServer.MaxBody, TimeSpan.FromMilliseconds(300), TextWriter.Null);
        await using var silent = await IcapTestClient.ConnectAsync(quick.LocalEndPoint, TimeSpan.FromSeconds(10));
        await using var stalled = await IcapTestClient.ConnectAsync(quick.LocalEndPoint, TimeSpan.FromSeconds(10));
        await stalled.SendAsync(IcapRequests.Reqmod(new HttpRequestSpec(CleanHead, new byte[100]))[..^20]);

        var watch = Stopwatch.StartNew();
        Assert.True(await silent.ServerClosesAsync());
        Assert.True(await stalled.ServerClosesAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    private async Task AssertStillServingAsync()
    {
        await using var client = await server.ConnectAsync();
        Assert.Equal(204, (await client.ExchangeAsync(IcapRequests.Reqmod(IcapRequests.CleanGet()))).Status);
    }

    private static string Reqmod(string headers, string rest) =>
        "REQMOD icap://x/reqmod ICAP/1.0\r\nHost: x\r\n" + headers + "\r\n" + rest;

    private static string Body(string chunks) =>
        Reqmod($"Encapsulated: req-hdr=0, req-body={CleanHead.Length}\r\n", CleanHead + chunks);
}

/// <summary>Timing runs alone, so other tests on the two cores do not disturb it.</summary>
[CollectionDefinition(nameof(ThroughputTests), DisableParallelization = true)]
public sealed class ThroughputRunsAlone;

[Collection(nameof(ThroughputTests))]
public sealed class ThroughputTests(ITestOutputHelper output) : IAsyncLifetime
{
    private IcapServer? _server;

    public Task InitializeAsync()
    {
        // Client and server share this test process's thread pool, which starts with one thread per
        // core (two here) while the test framework holds some of them: a socket completion can then wait
        // for the pool's starvation injection (about a second) and the timing would measure the harness,
        // not the scanner. The scanner run on its own shows no such pause.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), completionPorts);
        _server = ScannerServer.Start(ScannerServer.MaxBody, TimeSpan.FromSeconds(30), TextWriter.Null);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server!.DisposeAsync();

    [Fact]
    public async Task A_thousand_small_clean_requests_on_one_connection_take_well_under_a_second()
    {
        var request = IcapRequests.Reqmod(new HttpRequestSpec(
            "POST http://api.example.com/v1/messages HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/json\r\n" +
            "Authorization: Bearer ollama\r\nUser-Agent: claude-cli/2.1.331 (external, sdk-cli)\r\nAccept: application/json\r\n",
            Encoding.ASCII.GetBytes("{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there, how are you?\"}]}")));
        await using var client = await IcapTestClient.ConnectAsync(_server!.LocalEndPoint);
        for (var i = 0; i < 50; i++)
        {
            await client.ExchangeAsync(request);
        }

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(204, (await client.ExchangeAsync(request)).Status);
        }

        watch.Stop();
        output.WriteLine($"1000 sequential clean REQMODs (head + JSON body) on one connection: {watch.ElapsedMilliseconds} ms");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_one_MiB_body_is_scanned_in_reasonable_time()
    {
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"key\":\"value%20with+escapes\\n\"},", 40_000)))[..1_000_000];
        var request = IcapRequests.Reqmod(new HttpRequestSpec(
            "POST http://api.example.com/upload HTTP/1.1\r\nHost: api.example.com\r\n", body));
        await using var client = await IcapTestClient.ConnectAsync(_server!.LocalEndPoint);
        await client.ExchangeAsync(request);

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(204, (await client.ExchangeAsync(request)).Status);
        }

        watch.Stop();
        output.WriteLine($"10 clean 1 MB escaped-text bodies: {watch.ElapsedMilliseconds} ms");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.ElapsedMilliseconds} ms");
    }
}
