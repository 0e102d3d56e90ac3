using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace BotBottle.Egress.Scanner;

/// <summary>
/// Decides whether an outbound HTTP request carries a credential. Everything is handled as bytes and
/// matched as Latin-1 text (one character per byte), so a NUL or any other byte is just a character
/// and cannot end the scan, which is how the bash helper this replaces was bypassed. Scanned:
/// <list type="bullet">
/// <item>the whole request head as sent (request line and every instance of every header), raw and
/// after undoing percent, <c>+</c> and backslash escapes, repeatedly (<c>%2500</c>);</item>
/// <item>base64 credentials (<c>Basic</c> in any header, and the credentials of any scheme in
/// <c>Authorization</c>/<c>Proxy-Authorization</c>), decoded leniently (missing padding, URL-safe alphabet);</item>
/// <item>the body as received after ICAP de-chunking (so a token split across ICAP chunks is whole),
/// raw and unescaped; again after HTTP de-chunking if the request says chunked; and decompressed
/// when <c>Content-Encoding</c> is gzip, deflate or br, bounded by the body cap.</item>
/// </list>
/// </summary>
internal sealed class CredentialScanner(ScanPatterns patterns, long maxBodyBytes)
{
    /// <summary>Layers of escaping undone beyond the raw text: enough for double and triple encoding.</summary>
    private const int DecodeRounds = 3;

    public long MaxBodyBytes => maxBodyBytes;

    /// <summary>Scans <paramref name="head"/> and <paramref name="body"/> (already ICAP de-chunked).</summary>
    public ScanVerdict Scan(HttpRequestHead head, PooledByteBuffer body)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            var found = ScanHead(head) ?? ScanBody(head, body);
            return found is null ? ScanVerdict.Clean : ScanVerdict.Blocked(found);
        }
        catch (RegexMatchTimeoutException)
        {
            return ScanVerdict.Blocked(ScanVerdict.ScanTimeout);
        }
    }

    /// <summary>Scans the head alone, so a body that is too large can still be blamed on the credential in its head.</summary>
    public ScanVerdict ScanHeadOnly(HttpRequestHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        try
        {
            var found = ScanHead(head);
            return found is null ? ScanVerdict.Clean : ScanVerdict.Blocked(found);
        }
        catch (RegexMatchTimeoutException)
        {
            return ScanVerdict.Blocked(ScanVerdict.ScanTimeout);
        }
    }

    private string? ScanHead(HttpRequestHead head)
    {
        var found = ScanBytes(head.Raw);
        if (found is not null)
        {
            return found;
        }

        foreach (var header in head.Headers)
        {
            var credentials = Base64Credentials(header);
            if (credentials.Length > 0 && (found = ScanBase64(credentials)) is not null)
            {
                return found;
            }
        }

        return null;
    }

    private string? ScanBody(HttpRequestHead head, PooledByteBuffer body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        var found = ScanBytes(body.Span);
        if (found is not null)
        {
            return found;
        }

        using var dechunked = new PooledByteBuffer(0);
        var coded = body;
        if (head.ListTokens("Transfer-Encoding").Contains("chunked"))
        {
            BodyDecoder.Dechunk(body.Span, dechunked);
            if (dechunked.Length > 0)
            {
                if ((found = ScanBytes(dechunked.Span)) is not null)
                {
                    return found;
                }

                coded = dechunked;
            }
        }

        var codings = head.ListTokens("Content-Encoding").Where(c => c != "identity").ToList();
        if (codings.Count == 0)
        {
            // Not declared, but a gzip upload (a tarball of the workspace) is worth a bounded look.
            return BodyDecoder.LooksGzipped(coded.Span) ? ScanDecompressed(coded, "gzip", mustFit: false) : null;
        }

        return ScanDecompressed(coded, codings, codings.Count - 1);
    }

    /// <summary>Undoes the codings from the last applied to the first, scanning each stage.</summary>
    private string? ScanDecompressed(PooledByteBuffer coded, List<string> codings, int index)
    {
        using var decoded = new PooledByteBuffer(0);
        var outcome = BodyDecoder.Decompress(coded.Segment, codings[index], maxBodyBytes, decoded);
        switch (outcome)
        {
            case DecodeOutcome.TooLarge:
                return ScanVerdict.BodyTooLarge;
            case DecodeOutcome.Unsupported:
                // An unknown coding (zstd, compress, a made-up one) would carry anything unseen.
                return ScanVerdict.BodyUnscannable;
        }

        var found = ScanBytes(decoded.Span);
        if (found is not null)
        {
            return found;
        }

        if (outcome == DecodeOutcome.Damaged)
        {
            // What follows the damage is unread; a real client never sends a broken body.
            return ScanVerdict.BodyUnscannable;
        }

        if (index == 0)
        {
            return null;
        }

        return ScanDecompressed(decoded, codings, index - 1);
    }

    private string? ScanDecompressed(PooledByteBuffer coded, string coding, bool mustFit)
    {
        using var decoded = new PooledByteBuffer(0);
        var outcome = BodyDecoder.Decompress(coded.Segment, coding, maxBodyBytes, decoded);
        if (outcome == DecodeOutcome.TooLarge && mustFit)
        {
            return ScanVerdict.BodyTooLarge;
        }

        return ScanBytes(decoded.Span);
    }

    /// <summary>
    /// The base64 part of a header that can carry base64 credentials: the credentials of any scheme in
    /// <c>Authorization</c> and <c>Proxy-Authorization</c> (Squid turns URL userinfo into Basic), and a
    /// <c>Basic</c> value in any other header.
    /// </summary>
    private static ReadOnlySpan<char> Base64Credentials(HttpHeaderField header)
    {
        var value = header.Value.AsSpan().Trim();
        var space = value.IndexOfAny(' ', '\t');
        var isAuthorization = header.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
            || header.Name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase);
        if (space > 0 && (isAuthorization || value[..space].Equals("Basic", StringComparison.OrdinalIgnoreCase)))
        {
            return value[(space + 1)..].Trim();
        }

        return isAuthorization ? value : [];
    }

    private string? ScanBase64(ReadOnlySpan<char> encoded)
    {
        var rented = ArrayPool<byte>.Shared.Rent(encoded.Length * 3 / 4 + 3);
        try
        {
            var length = TextDecoders.DecodeBase64Lenient(encoded, rented);
            return length == 0 ? null : ScanBytes(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Matches <paramref name="bytes"/> as Latin-1 text, then again after each layer of unescaping.</summary>
    private string? ScanBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }

        var rented = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            var length = Encoding.Latin1.GetChars(bytes, rented);
            var text = rented.AsSpan(0, length);
            var found = patterns.FirstMatch(text);
            for (var round = 0; found is null && round < DecodeRounds; round++)
            {
                var decodedLength = TextDecoders.DecodeInPlace(text, out var changed);
                if (!changed)
                {
                    break;
                }

                text = text[..decodedLength];
                found = patterns.FirstMatch(text);
            }

            return found;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}
