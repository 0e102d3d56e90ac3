using System.Text;
using BotBottle.Core.Egress;

namespace BotBottle.Egress.Scanner.Tests;

/// <summary>
/// Every credential family in every place a request can carry it, including each way the bash helper
/// this replaces was bypassed: a %00 or raw NUL before the token, a second instance of a header, a
/// header it did not list, Basic credentials, bodies, chunk splits and compression.
/// </summary>
public sealed class CredentialPlacementTests(ScannerServer server) : IClassFixture<ScannerServer>
{
    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var pattern in CredentialPatterns.All)
            {
                foreach (var placement in FakeCredentials.Placements.Keys)
                {
                    data.Add(pattern.Name, placement);
                }
            }

            return data;
        }
    }

    public static TheoryData<string> PatternNames => [.. CredentialPatterns.All.Select(p => p.Name)];

    public static TheoryData<string> PlacementNames => [.. FakeCredentials.Placements.Keys];

    [Fact]
    public void Every_pattern_family_has_a_fake_credential()
    {
        Assert.Equal(
            CredentialPatterns.All.Select(p => p.Name).Order(),
            FakeCredentials.ByPattern.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(PatternNames))]
    public void Fake_credential_is_recognised_as_its_own_family_and_split_halves_are_not(string pattern)
    {
        var token = FakeCredentials.ByPattern[pattern];
        Assert.Equal(pattern, CredentialPatterns.FindIn(token)?.Name);
        Assert.Null(CredentialPatterns.FindIn(token[..FakeCredentials.SplitAt]));
        Assert.Null(CredentialPatterns.FindIn(token[FakeCredentials.SplitAt..]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Credential_is_refused_wherever_it_is_put(string pattern, string placement)
    {
        var token = FakeCredentials.ByPattern[pattern];
        var request = FakeCredentials.Placements[placement](token);
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(request));

        AssertBlocked(answer, pattern);
        AssertNotLeaked(answer, token);
        Assert.DoesNotContain(token, server.Log.Text, StringComparison.Ordinal);

        // A refusal does not end the persistent connection: the next request is served on it.
        var next = await client.ExchangeAsync(IcapRequests.Reqmod(IcapRequests.CleanGet()));
        Assert.Equal(204, next.Status);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Credential_is_refused_when_the_client_does_not_allow_204(string pattern, string placement)
    {
        var token = FakeCredentials.ByPattern[pattern];
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(FakeCredentials.Placements[placement](token), allow204: false));

        AssertBlocked(answer, pattern);
        AssertNotLeaked(answer, token);
    }

    [Theory]
    [MemberData(nameof(PlacementNames))]
    public async Task Near_misses_pass_in_every_placement(string placement)
    {
        // Credential prefixes without the rest, a git hash and a UUID: ordinary request text.
        const string decoy = "ghp_short,sk-ant-x,AKIA1234,xoxb-1,3f786850e387550fdab836ed7e6dc881de23001b,6f1c2a4e-5b7d-4c8e-9f0a-1b2c3d4e5f60";
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(FakeCredentials.Placements[placement](decoy)));

        Assert.Equal("ICAP/1.0 204 No Content", answer.StatusLine);
    }

    [Fact]
    public async Task The_first_matching_pattern_is_named_when_a_request_carries_several()
    {
        var request = new HttpRequestSpec(
            "GET http://api.example.com/ HTTP/1.1\r\nHost: api.example.com\r\n" +
            $"X-A: {FakeCredentials.ByPattern["slack-token"]}\r\nX-B: {FakeCredentials.ByPattern["github-token"]}\r\n");
        await using var client = await server.ConnectAsync();

        var answer = await client.ExchangeAsync(IcapRequests.Reqmod(request));

        AssertBlocked(answer, "github-token");
    }

    internal static void AssertBlocked(IcapAnswer answer, string reason)
    {
        Assert.Equal("ICAP/1.0 200 OK", answer.StatusLine);
        Assert.Equal(reason, answer.Header("X-BotBottle-Block"));
        Assert.Matches(@"^res-hdr=0, res-body=\d+$", answer.Header("Encapsulated"));
        Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", answer.EncapsulatedHeadText, StringComparison.Ordinal);
        Assert.Equal(reason, answer.HttpHeader("X-BotBottle-Block"));
        Assert.Equal("text/plain; charset=utf-8", answer.HttpHeader("Content-Type"));
        Assert.Equal("no-store", answer.HttpHeader("Cache-Control"));
        Assert.Equal("close", answer.HttpHeader("Connection"));
        Assert.NotNull(answer.Body);
        Assert.Equal(answer.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.HttpHeader("Content-Length"));
        var text = Encoding.UTF8.GetString(answer.Body);
        Assert.StartsWith("BotBottle egress: this request was refused because ", text, StringComparison.Ordinal);
        if (reason is not ("body-too-large" or "body-unscannable"))
        {
            Assert.Contains($"carries a credential ({reason}).", text, StringComparison.Ordinal);
        }
    }

    internal static void AssertNotLeaked(IcapAnswer answer, string token)
    {
        Assert.DoesNotContain(token, answer.RawText, StringComparison.Ordinal);
        Assert.DoesNotContain(token[FakeCredentials.SplitAt..], answer.RawText, StringComparison.Ordinal);
    }
}
