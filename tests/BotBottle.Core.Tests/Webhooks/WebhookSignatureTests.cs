using System.Text;
using BotBottle.Core.Webhooks;

namespace BotBottle.Core.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    private const string Opened = "captures/pull_request__opened.headers.json";

    public static TheoryData<string> Captures() => new(GiteaTestData.CaptureHeaderFiles());

    public static TheoryData<string> CapturesWithThirdPartyVector() =>
        new(GiteaTestData.CaptureHeaderFiles().Where(f => GiteaTestData.Headers(f).ThirdParty is not null));

    [Fact]
    public void Every_capture_has_a_headers_file_and_four_carry_a_third_party_vector()
    {
        Assert.Equal(15, GiteaTestData.CaptureHeaderFiles().Count);
        Assert.Equal(4, CapturesWithThirdPartyVector().Count);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Gitea_signature_of_each_capture_is_valid(string headersFile)
    {
        var headers = GiteaTestData.Headers(headersFile);

        Assert.True(WebhookSignature.IsValid(GiteaTestData.Bytes(headers.BodyFile), GiteaTestData.Secret, headers.GiteaSignature, null));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Hub_signature_of_each_capture_is_valid(string headersFile)
    {
        var headers = GiteaTestData.Headers(headersFile);

        Assert.True(WebhookSignature.IsValid(GiteaTestData.Bytes(headers.BodyFile), GiteaTestData.Secret, null, headers.HubSignature256));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Both_headers_together_are_valid_and_compute_gives_the_same_hex(string headersFile)
    {
        var headers = GiteaTestData.Headers(headersFile);
        var body = GiteaTestData.Bytes(headers.BodyFile);

        Assert.True(WebhookSignature.IsValid(body, GiteaTestData.Secret, headers.GiteaSignature, headers.HubSignature256));
        Assert.Equal(headers.GiteaSignature, WebhookSignature.Compute(body, GiteaTestData.Secret));
        Assert.Equal(headers.HubSignature256, "sha256=" + WebhookSignature.Compute(body, GiteaTestData.Secret));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Tampered_body_is_refused(string headersFile)
    {
        var headers = GiteaTestData.Headers(headersFile);
        var body = GiteaTestData.Bytes(headers.BodyFile);
        body[body.Length / 2] ^= 0x01;

        Assert.False(WebhookSignature.IsValid(body, GiteaTestData.Secret, headers.GiteaSignature, null));
        Assert.False(WebhookSignature.IsValid(body, GiteaTestData.Secret, null, headers.HubSignature256));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Wrong_secret_is_refused(string headersFile)
    {
        var headers = GiteaTestData.Headers(headersFile);
        var body = GiteaTestData.Bytes(headers.BodyFile);

        Assert.False(WebhookSignature.IsValid(body, "not-the-secret", headers.GiteaSignature, headers.HubSignature256));
        Assert.False(WebhookSignature.IsValid(body, GiteaTestData.Secret + " ", headers.GiteaSignature, null));
    }

    [Theory]
    [MemberData(nameof(CapturesWithThirdPartyVector))]
    public void Third_party_vector_verifies_with_its_own_secret(string headersFile)
    {
        var headers = GiteaTestData.Headers(headersFile);
        var vector = headers.ThirdParty!;
        var body = GiteaTestData.Bytes(headers.BodyFile);

        Assert.True(WebhookSignature.IsValid(body, vector.Secret, vector.GiteaSignature, null));
        Assert.True(WebhookSignature.IsValid(body, vector.Secret, null, "sha256=" + vector.GiteaSignature));
        Assert.Equal(vector.GiteaSignature, WebhookSignature.Compute(body, vector.Secret));
        Assert.False(WebhookSignature.IsValid(body, GiteaTestData.Secret, vector.GiteaSignature, null));
    }

    [Fact]
    public void Trailing_newline_matters_so_the_exact_bytes_must_be_verified()
    {
        var headers = GiteaTestData.Headers(Opened);
        var body = GiteaTestData.Bytes(headers.BodyFile);

        Assert.False(WebhookSignature.IsValid([.. body, (byte)'\n'], GiteaTestData.Secret, headers.GiteaSignature, headers.HubSignature256));
    }

    [Fact]
    public void Uppercase_hex_is_accepted_in_both_headers()
    {
        var headers = GiteaTestData.Headers(Opened);
        var body = GiteaTestData.Bytes(headers.BodyFile);
        var upper = headers.GiteaSignature.ToUpperInvariant();

        Assert.True(WebhookSignature.IsValid(body, GiteaTestData.Secret, upper, null));
        Assert.True(WebhookSignature.IsValid(body, GiteaTestData.Secret, null, "sha256=" + upper));
        Assert.True(WebhookSignature.IsValid(body, GiteaTestData.Secret, null, "SHA256=" + headers.GiteaSignature));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("", null)]
    [InlineData(null, "")]
    public void Missing_or_empty_signatures_are_refused(string? gitea, string? hub)
    {
        var body = GiteaTestData.Bytes("captures/pull_request__opened.json");

        Assert.False(WebhookSignature.IsValid(body, GiteaTestData.Secret, gitea, hub));
    }

    [Theory]
    [InlineData("not-a-signature")]
    [InlineData("cd21188a6e234178acad9bb2e4aaccb2ed7557d7de71fdb51fd6d628b39f053")] // one digit short
    [InlineData("cd21188a6e234178acad9bb2e4aaccb2ed7557d7de71fdb51fd6d628b39f05330")] // one digit long
    [InlineData("zd21188a6e234178acad9bb2e4aaccb2ed7557d7de71fdb51fd6d628b39f0533")] // not hex
    [InlineData("sha256=cd21188a6e234178acad9bb2e4aaccb2ed7557d7de71fdb51fd6d628b39f0533")] // the Hub form in the Gitea header
    [InlineData(" cd21188a6e234178acad9bb2e4aaccb2ed7557d7de71fdb51fd6d628b39f0533")]
    public void Malformed_gitea_signature_is_refused(string signature)
    {
        var body = GiteaTestData.Bytes("captures/pull_request__opened.json");

        Assert.False(WebhookSignature.IsValid(body, GiteaTestData.Secret, signature, null));
    }

    [Theory]
    [InlineData("cd21188a6e234178acad9bb2e4aaccb2ed7557d7de71fdb51fd6d628b39f0533")] // no prefix
    [InlineData("sha1=cd21188a6e234178acad9bb2e4aaccb2ed7557d7de71fdb51fd6d628b39f0533")]
    [InlineData("sha256=")]
    [InlineData("sha256:cd21188a6e234178acad9bb2e4aaccb2ed7557d7de71fdb51fd6d628b39f0533")]
    public void Malformed_hub_signature_is_refused(string signature)
    {
        var body = GiteaTestData.Bytes("captures/pull_request__opened.json");

        Assert.False(WebhookSignature.IsValid(body, GiteaTestData.Secret, null, signature));
    }

    [Fact]
    public void A_valid_header_does_not_excuse_a_wrong_one()
    {
        var headers = GiteaTestData.Headers(Opened);
        var body = GiteaTestData.Bytes(headers.BodyFile);
        var wrong = WebhookSignature.Compute(body, "another-secret");

        Assert.False(WebhookSignature.IsValid(body, GiteaTestData.Secret, headers.GiteaSignature, "sha256=" + wrong));
        Assert.False(WebhookSignature.IsValid(body, GiteaTestData.Secret, wrong, headers.HubSignature256));
        Assert.False(WebhookSignature.IsValid(body, GiteaTestData.Secret, headers.GiteaSignature, "garbage"));
    }

    [Fact]
    public void Empty_secret_refuses_everything_even_a_matching_signature()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        // HMAC with an empty key is well defined; a receiver configured without a secret must still refuse.
        var emptyKeySignature = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Array.Empty<byte>(), body));

        Assert.False(WebhookSignature.IsValid(body, "", emptyKeySignature, "sha256=" + emptyKeySignature));
        Assert.Throws<ArgumentException>(() => WebhookSignature.Compute(body, ""));
    }

    [Fact]
    public void Compute_is_lowercase_hex_of_hmac_sha256()
    {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        var signature = WebhookSignature.Compute(Encoding.ASCII.GetBytes("what do ya want for nothing?"), "Jefe");

        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", signature);
    }
}
