using System.Text.RegularExpressions;

namespace BotBottle.Egress.Scanner;

/// <summary>One credential pattern: the name reported in <c>X-BotBottle-Block</c> and its compiled regex.</summary>
/// <param name="Name">Safe to put in a header and a log line: letters, digits, '.', '_' and '-' only.</param>
/// <param name="Regex">Compiled once at start; matched against Latin-1 text, one character per byte.</param>
internal sealed record ScanPattern(string Name, Regex Regex);

/// <summary>
/// The patterns file the Worker writes with <c>CredentialPatterns.ToScannerFile()</c>: one
/// <c>name&lt;TAB&gt;regex</c> per line, <c>#</c> comments and blank lines ignored. Every regex is compiled
/// once here, never per request, with <see cref="RegexOptions.NonBacktracking"/> where the pattern allows
/// it, so hostile input cannot make a match take exponential time; a match timeout backs that up.
/// </summary>
internal sealed class ScanPatterns
{
    /// <summary>How long one match may take before the scanner gives up and refuses the request.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    private const int MaxNameLength = 64;

    private ScanPatterns(IReadOnlyList<ScanPattern> patterns, Regex? combined, ulong fingerprint)
    {
        Patterns = patterns;
        Combined = combined;
        Fingerprint = fingerprint;
    }

    public IReadOnlyList<ScanPattern> Patterns { get; }

    /// <summary>
    /// All patterns as one alternation, when every one compiles without backtracking: a clean request,
    /// the usual case, then costs one pass over each text instead of one pass per pattern.
    /// </summary>
    public Regex? Combined { get; }

    /// <summary>A hash of the file's contents, so the ICAP ISTag changes whenever the patterns do.</summary>
    public ulong Fingerprint { get; }

    /// <summary>True when every pattern runs on the non-backtracking engine.</summary>
    public bool AllNonBacktracking => Patterns.All(p => (p.Regex.Options & RegexOptions.NonBacktracking) != 0);

    /// <summary>Reads and compiles the file at <paramref name="path"/>.</summary>
    /// <exception cref="PatternFileException">The file cannot be read or a line is not a usable pattern.</exception>
    public static ScanPatterns Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new PatternFileException($"cannot read the patterns file {path}: {ex.Message}", ex);
        }

        return Parse(text, path);
    }

    /// <summary>Compiles the patterns in <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="PatternFileException">A line is not a usable pattern, or there is none.</exception>
    public static ScanPatterns Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var patterns = new List<ScanPattern>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            patterns.Add(ParseLine(line, $"{source} line {i + 1}"));
        }

        if (patterns.Count == 0)
        {
            throw new PatternFileException($"{source} has no patterns: the scanner would let every credential out");
        }

        return new ScanPatterns(patterns, Combine(patterns), Fnv1a(text));
    }

    /// <summary>
    /// The name of the first pattern (in file order) that matches <paramref name="text"/>, or null.
    /// </summary>
    /// <exception cref="RegexMatchTimeoutException">A match ran past <see cref="MatchTimeout"/>.</exception>
    public string? FirstMatch(ReadOnlySpan<char> text)
    {
        if (Combined is not null && !Combined.IsMatch(text))
        {
            return null;
        }

        foreach (var pattern in Patterns)
        {
            if (pattern.Regex.IsMatch(text))
            {
                return pattern.Name;
            }
        }

        return null;
    }

    private static ScanPattern ParseLine(string line, string where)
    {
        var tab = line.IndexOf('\t', StringComparison.Ordinal);
        if (tab < 0)
        {
            throw new PatternFileException($"{where}: expected 'name<TAB>regex'");
        }

        var name = line[..tab].Trim();
        var pattern = line[(tab + 1)..];
        if (!IsSafeName(name))
        {
            throw new PatternFileException(
                $"{where}: the pattern name must be 1 to {MaxNameLength} letters, digits, '.', '_' or '-' (it is sent in a header)");
        }

        if (pattern.Length == 0)
        {
            throw new PatternFileException($"{where}: pattern '{name}' has an empty regex");
        }

        var regex = Compile(pattern, where, name);
        if (regex.IsMatch(string.Empty))
        {
            throw new PatternFileException($"{where}: pattern '{name}' matches empty text and would refuse every request");
        }

        return new ScanPattern(name, regex);
    }

    private static Regex Compile(string pattern, string where, string name)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, MatchTimeout);
        }
        catch (NotSupportedException)
        {
            // Backreferences and lookarounds need the backtracking engine; the match timeout bounds it.
        }
        catch (ArgumentException ex)
        {
            throw new PatternFileException($"{where}: pattern '{name}' is not a valid regular expression: {ex.Message}", ex);
        }

        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new PatternFileException($"{where}: pattern '{name}' is not a valid regular expression: {ex.Message}", ex);
        }
    }

    private static Regex? Combine(List<ScanPattern> patterns)
    {
        if (patterns.Count < 2 || patterns.Any(p => (p.Regex.Options & RegexOptions.NonBacktracking) == 0))
        {
            return null;
        }

        var alternation = string.Join('|', patterns.Select(p => "(?:" + p.Regex + ")"));
        try
        {
            return new Regex(alternation, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, MatchTimeout);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            // Each pattern compiled on its own; matching them one by one is slower but just as correct.
            return null;
        }
    }

    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= MaxNameLength
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
