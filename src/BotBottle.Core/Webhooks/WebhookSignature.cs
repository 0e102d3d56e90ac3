using System.Security.Cryptography;
using System.Text;

namespace BotBottle.Core.Webhooks;

/// <summary>
/// Gitea's webhook signature: the hex HMAC-SHA256 of the raw request body, keyed by the webhook's
/// secret. Gitea sends it bare in <c>X-Gitea-Signature</c> and, since 1.18, as <c>sha256=HEX</c> in
/// <c>X-Hub-Signature-256</c>; Forgejo sends both too. Verify the exact bytes received, before parsing:
/// re-serialised JSON would not hash the same.
/// </summary>
public static class WebhookSignature
{
    public const string GiteaHeader = "X-Gitea-Signature";

    public const string HubHeader = "X-Hub-Signature-256";

    private const string HubPrefix = "sha256=";

    private const int HashBytes = HMACSHA256.HashSizeInBytes;

    /// <summary>The lowercase hex signature Gitea would send for <paramref name="body"/>.</summary>
    public static string Compute(ReadOnlySpan<byte> body, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        Span<byte> hash = stackalloc byte[HashBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// True when at least one signature header is present and every present one matches the body.
    /// A null or empty header counts as absent (Gitea sends both empty when no secret is configured),
    /// so a request with neither, with a malformed one, or checked against an empty secret is refused.
    /// Requiring every present header to match means a forged header cannot hide behind a genuine one.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> body, string secret, string? giteaSignature, string? hubSignature256)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return false;
        }

        if (giteaSignature is not { Length: > 0 } && hubSignature256 is not { Length: > 0 })
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HashBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);

        if (giteaSignature is { Length: > 0 } gitea && !Matches(expected, gitea))
        {
            return false;
        }

        return hubSignature256 is not { Length: > 0 } hub
            || (TryStripHubPrefix(hub, out var hex) && Matches(expected, hex));
    }

    private static bool TryStripHubPrefix(string header, out ReadOnlySpan<char> hex)
    {
        if (header.StartsWith(HubPrefix, StringComparison.OrdinalIgnoreCase))
        {
            hex = header.AsSpan(HubPrefix.Length);
            return true;
        }

        hex = default;
        return false;
    }

    // Decodes the hex (either case) and compares in constant time, so the time taken does not
    // reveal how many leading bytes of a guess were right.
    private static bool Matches(ReadOnlySpan<byte> expected, ReadOnlySpan<char> hex)
    {
        if (hex.Length != HashBytes * 2)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[HashBytes];
        var status = Convert.FromHexString(hex, given, out _, out var written);
        return status == System.Buffers.OperationStatus.Done
            && written == HashBytes
            && CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
