using System.Text;

namespace BotBottle.Egress.Scanner.Tests;

/// <summary>Clean requests pass unchanged, and the body cap holds for plain and compressed bodies.</summary>
public sealed class CleanRequestTests(ScannerServer server) : IClassFixture<ScannerServer>
{
    [Fact]
    public async Task Clean_request_gets_204_when_the_client_allows_it()
    {
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(IcapRequests.CleanGet()));

        Assert.Equal("ICAP/1.0 204 No Content", answer.StatusLine);
        Assert.Matches("^\"BB-[0-9a-f]{16}\"$", answer.Header("ISTag"));
        Assert.Equal("null-body=0", answer.Header("Encapsulated"));
        Assert.Null(answer.Body);
        Assert.Empty(answer.EncapsulatedHead);
    }

    [Fact]
    public async Task Clean_get_without_204_is_echoed_byte_for_byte()
    {
        // Odd spacing, repeated headers, a NUL-free but unusual byte: all must come back exactly.
        var request = new HttpRequestSpec(
            "GET http://api.example.com/search?q=caf%C3%A9+au+lait&x=%00 HTTP/1.1\r\n" +
            "Host: api.example.com\r\n" +
            "Accept:   */*  \r\n" +
            "Cookie: a=1\r\n" +
            "Cookie: b=2\r\n" +
            "x-lower-case: \xe9t\xe9\r\n");
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(request, allow204: false));

        Assert.Equal("ICAP/1.0 200 OK", answer.StatusLine);
        Assert.Equal($"req-hdr=0, null-body={request.HeadBytes.Length}", answer.Header("Encapsulated"));
        Assert.Equal(request.HeadBytes, answer.EncapsulatedHead);
        Assert.Null(answer.Body);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(200_000)]
    public async Task Clean_post_without_204_is_echoed_byte_for_byte(int bodyLength)
    {
        var body = new byte[bodyLength];
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = (byte)(i * 31 % 256);
        }

        var request = new HttpRequestSpec(
            $"POST http://api.example.com/upload HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/octet-stream\r\nContent-Length: {bodyLength}\r\n",
            body,
            bodyLength > 10 ? [3, bodyLength / 2] : null);
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(request, allow204: false));

        Assert.Equal("ICAP/1.0 200 OK", answer.StatusLine);
        Assert.Equal($"req-hdr=0, req-body={request.HeadBytes.Length}", answer.Header("Encapsulated"));
        Assert.Equal(request.HeadBytes, answer.EncapsulatedHead);
        Assert.Equal(body, answer.Body);
    }

    [Fact]
    public async Task Body_exactly_at_the_limit_passes()
    {
        var request = Upload(new byte[ScannerServer.MaxBody]);
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(request));

        Assert.Equal("ICAP/1.0 204 No Content", answer.StatusLine);
    }

    [Fact]
    public async Task Body_one_byte_over_the_limit_is_refused_and_the_connection_closed()
    {
        var request = Upload(new byte[ScannerServer.MaxBody + 1], [1000]);
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(request));

        CredentialPlacementTests.AssertBlocked(answer, "body-too-large");
        Assert.Equal("close", answer.Header("Connection"));
        Assert.Equal(
            "BotBottle egress: this request was refused because its body is larger than the 1048576 bytes the credential scan reads.\n",
            Encoding.UTF8.GetString(answer.Body!));
        Assert.True(await client.ServerClosesAsync());
    }

    [Fact]
    public async Task Body_far_over_the_limit_is_refused_while_the_client_is_still_sending()
    {
        // The client sends 8 MiB while reading: the answer must arrive, not a reset.
        var request = IcapRequests.Reqmod(Upload(new byte[8 * 1024 * 1024], [64 * 1024]));
        await using var client = await server.ConnectAsync();

        var sending = Task.Run(async () =>
        {
            try
            {
                await client.SendAsync(request);
            }
            catch (IOException)
            {
                // The server closed after answering; the rest was not needed.
            }
        });
        var answer = await client.ReadAnswerAsync();
        await sending;

        Assert.NotNull(answer);
        CredentialPlacementTests.AssertBlocked(answer, "body-too-large");
    }

    [Fact]
    public async Task Head_credential_is_named_even_when_the_body_is_too_large()
    {
        var token = FakeCredentials.ByPattern["github-token"];
        var request = new HttpRequestSpec(
            $"POST http://api.example.com/upload HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: token {token}\r\n",
            new byte[ScannerServer.MaxBody + 1]);
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(request));

        CredentialPlacementTests.AssertBlocked(answer, "github-token");
        Assert.True(await client.ServerClosesAsync());
    }

    [Fact]
    public async Task Gzip_bomb_is_refused_as_too_large()
    {
        // 10 MiB of zeros squeezes into about 10 KiB: small on the wire, ten times the cap unpacked.
        var bomb = FakeCredentials.Gzip(new byte[10 * 1024 * 1024]);
        Assert.True(bomb.Length < 64 * 1024);
        var request = Upload(bomb, encoding: "gzip");
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(request));

        CredentialPlacementTests.AssertBlocked(answer, "body-too-large");
    }

    [Fact]
    public async Task Compressed_body_that_unpacks_to_exactly_the_limit_passes()
    {
        var request = Upload(FakeCredentials.Gzip(new byte[ScannerServer.MaxBody]), encoding: "gzip");
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(request));

        Assert.Equal("ICAP/1.0 204 No Content", answer.StatusLine);
    }

    [Fact]
    public async Task A_body_in_a_damaged_or_unknown_coding_is_refused_as_unscannable()
    {
        // zstd (or any coding the scanner cannot undo) would carry a credential unseen.
        await using var client = await server.ConnectAsync();

        var damaged = await client.ExchangeAsync(IcapRequests.Reqmod(Upload("not gzip at all"u8.ToArray(), encoding: "gzip")));
        var unknown = await client.ExchangeAsync(IcapRequests.Reqmod(Upload("zstd frames"u8.ToArray(), encoding: "zstd")));

        CredentialPlacementTests.AssertBlocked(damaged, "body-unscannable");
        CredentialPlacementTests.AssertBlocked(unknown, "body-unscannable");
    }

    [Fact]
    public async Task Credential_before_the_damage_in_a_damaged_gzip_body_is_found()
    {
        var token = FakeCredentials.ByPattern["aws-access-key-id"];
        var gzip = FakeCredentials.Gzip(Encoding.ASCII.GetBytes(token + new string('.', 5000)));
        var truncated = gzip.AsSpan(0, gzip.Length - 12).ToArray();
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(Upload(truncated, encoding: "gzip")));

        CredentialPlacementTests.AssertBlocked(answer, "aws-access-key-id");
    }

    private static HttpRequestSpec Upload(byte[] body, IReadOnlyList<int>? split = null, string? encoding = null) => new(
        "POST http://api.example.com/upload HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/octet-stream\r\n" +
        (encoding is null ? string.Empty : $"Content-Encoding: {encoding}\r\n"),
        body,
        split);
}
