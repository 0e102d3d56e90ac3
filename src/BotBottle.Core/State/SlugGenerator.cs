using System.Security.Cryptography;

namespace BotBottle.Core.State;

/// <summary>
/// Makes short lowercase-hex slugs ("a3f9") that are unique among existing bottles. Four hex digits
/// stay readable in a listing; after repeated collisions the slug grows rather than failing.
/// </summary>
/// <param name="randomHex">Returns that many random lowercase hex digits; replaceable for tests.</param>
public sealed class SlugGenerator(Func<int, string>? randomHex = null)
{
    public const int InitialLength = 4;
    public const int AttemptsPerLength = 4;
    public const int MaxLength = 32;

    private readonly Func<int, string> _randomHex = randomHex ?? CryptoHex;

    public string Next(Func<string, bool> isTaken)
    {
        ArgumentNullException.ThrowIfNull(isTaken);
        for (var length = InitialLength; length <= MaxLength; length++)
        {
            for (var attempt = 0; attempt < AttemptsPerLength; attempt++)
            {
                var candidate = _randomHex(length);
                if (!isTaken(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException($"could not find a free bottle slug of up to {MaxLength} characters");
    }

    private static string CryptoHex(int length) => RandomNumberGenerator.GetHexString(length, lowercase: true);
}
