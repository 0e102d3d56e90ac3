namespace BotBottle.Egress.Scanner;

/// <summary>
/// The encodings a credential can hide behind in a URL, header or body, undone on Latin-1 text (one
/// character per byte, so every byte value, NUL included, survives as an ordinary character and
/// cannot end the scan early). Decoding is only ever for scanning: nothing decoded is forwarded.
/// </summary>
internal static class TextDecoders
{
    /// <summary>
    /// Undoes one layer of URL and string escaping, in place: <c>%XX</c> (any byte, <c>%00</c> too),
    /// <c>+</c> as a space (form posts), and the backslash escapes of JSON and JavaScript strings
    /// (<c>\uXXXX</c>, <c>\xXX</c>, <c>\/</c>, <c>\n</c> …). The result is never longer than the input,
    /// which is why it can be decoded where it lies.
    /// </summary>
    /// <returns>The decoded length; <paramref name="changed"/> says whether anything was undone.</returns>
    public static int DecodeInPlace(Span<char> text, out bool changed)
    {
        changed = false;
        var write = 0;
        var read = 0;
        while (read < text.Length)
        {
            var c = text[read];
            if (c == '%' && read + 2 < text.Length && TryHex(text[read + 1], text[read + 2], out var pct))
            {
                text[write++] = (char)pct;
                read += 3;
                changed = true;
            }
            else if (c == '+')
            {
                text[write++] = ' ';
                read++;
                changed = true;
            }
            else if (c == '\\' && read + 1 < text.Length)
            {
                read = DecodeBackslash(text, read, ref write);
                changed = true;
            }
            else
            {
                text[write++] = c;
                read++;
            }
        }

        return write;
    }

    /// <summary>
    /// Decodes base64 leniently, as a server receiving a Basic credential would: standard and URL-safe
    /// alphabets, padding optional, decoding stops at the first character outside the alphabet
    /// (whitespace and '=' are skipped). Returns the number of bytes written to <paramref name="output"/>,
    /// which must hold at least <c>input.Length * 3 / 4 + 3</c> bytes.
    /// </summary>
    public static int DecodeBase64Lenient(ReadOnlySpan<char> input, Span<byte> output)
    {
        var written = 0;
        var bits = 0;
        var bitCount = 0;
        foreach (var c in input)
        {
            int value;
            if (c is >= 'A' and <= 'Z')
            {
                value = c - 'A';
            }
            else if (c is >= 'a' and <= 'z')
            {
                value = c - 'a' + 26;
            }
            else if (c is >= '0' and <= '9')
            {
                value = c - '0' + 52;
            }
            else if (c is '+' or '-')
            {
                value = 62;
            }
            else if (c is '/' or '_')
            {
                value = 63;
            }
            else if (c is '=' or ' ' or '\t' or '\r' or '\n')
            {
                continue;
            }
            else
            {
                break;
            }

            bits = (bits << 6) | value;
            bitCount += 6;
            if (bitCount >= 8)
            {
                bitCount -= 8;
                output[written++] = (byte)(bits >> bitCount);
                bits &= (1 << bitCount) - 1;
            }
        }

        return written;
    }

    private static int DecodeBackslash(Span<char> text, int read, ref int write)
    {
        var next = text[read + 1];
        if (next == 'u' && read + 5 < text.Length
            && TryHex(text[read + 2], text[read + 3], out var high) && TryHex(text[read + 4], text[read + 5], out var low))
        {
            // A character past Latin-1 cannot be part of an ASCII credential; keep its place with '?'.
            text[write++] = high == 0 ? (char)low : '?';
            return read + 6;
        }

        if (next == 'x' && read + 3 < text.Length && TryHex(text[read + 2], text[read + 3], out var hex))
        {
            text[write++] = (char)hex;
            return read + 4;
        }

        text[write++] = next switch
        {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'b' => '\b',
            'f' => '\f',
            '0' => '\0',
            _ => next,
        };
        return read + 2;
    }

    private static bool TryHex(char high, char low, out int value)
    {
        var h = HexValue(high);
        var l = HexValue(low);
        value = (h << 4) | l;
        return h >= 0 && l >= 0;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
