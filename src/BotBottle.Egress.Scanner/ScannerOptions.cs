using System.Globalization;
using System.Net;

namespace BotBottle.Egress.Scanner;

/// <summary>
/// The command line: <c>--patterns &lt;file&gt; [--listen 127.0.0.1:1344] [--max-body &lt;bytes&gt;]</c>.
/// Parsed by hand (no System.CommandLine) to keep the trimmed single file small.
/// </summary>
internal sealed record ScannerOptions(string PatternsPath, IPEndPoint Listen, long MaxBodyBytes)
{
    public const string Usage = "usage: botbottle-egress-scanner --patterns <file> [--listen 127.0.0.1:1344] [--max-body <bytes, default 1048576>]";

    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>The largest cap accepted: bodies are held in memory whole while they are scanned.</summary>
    public const long MaxMaxBodyBytes = 256L * 1024 * 1024;

    public static IPEndPoint DefaultListen { get; } = new(IPAddress.Loopback, 1344);

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out ScannerOptions? options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = null;
        string? patterns = null;
        IPEndPoint? listen = null;
        long? maxBody = null;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = SplitArgument(args[i]);
            if (name is not ("--patterns" or "--listen" or "--max-body"))
            {
                error = $"unknown argument '{name}'";
                return false;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    error = $"{name} needs a value";
                    return false;
                }

                value = args[++i];
            }

            switch (name)
            {
                case "--patterns" when patterns is null:
                    if (value.Length == 0)
                    {
                        error = "--patterns needs a file name";
                        return false;
                    }

                    patterns = value;
                    break;
                case "--listen" when listen is null:
                    if (!IPEndPoint.TryParse(value, out listen) || listen.Port == 0 && !value.EndsWith(":0", StringComparison.Ordinal))
                    {
                        error = $"--listen '{value}' is not an address:port such as 127.0.0.1:1344";
                        return false;
                    }

                    break;
                case "--max-body" when maxBody is null:
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) || bytes is < 1 or > MaxMaxBodyBytes)
                    {
                        error = $"--max-body '{value}' is not a number of bytes from 1 to {MaxMaxBodyBytes}";
                        return false;
                    }

                    maxBody = bytes;
                    break;
                default:
                    error = $"{name} is given more than once";
                    return false;
            }
        }

        if (patterns is null)
        {
            error = "missing --patterns <file>";
            return false;
        }

        options = new ScannerOptions(patterns, listen ?? DefaultListen, maxBody ?? DefaultMaxBodyBytes);
        error = null;
        return true;
    }

    private static (string Name, string? Value) SplitArgument(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return argument.StartsWith("--", StringComparison.Ordinal) && equals > 0
            ? (argument[..equals], argument[(equals + 1)..])
            : (argument, null);
    }
}
