using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Core.Manifest;

/// <summary>Loads and validates agent manifests (YAML).</summary>
public static class ManifestLoader
{
    public static AgentManifest LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException([new ManifestError(path, 0, 0, $"cannot read manifest: {e.Message}")], e);
        }

        return Parse(text, path);
    }

    /// <param name="text">The YAML text.</param>
    /// <param name="sourceName">Names the manifest in error messages, usually its path.</param>
    public static AgentManifest Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var stream = LoadYaml(text, sourceName);
        return new ManifestReader(sourceName).Read(stream);
    }

    private static YamlStream LoadYaml(string text, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
            return stream;
        }
        catch (AnchorNotFoundException e)
        {
            // YamlDotNet reports undefined aliases at 1:1; find the real spot. The usual cause is an
            // unquoted wildcard egress entry, since YAML reads "*.github.com" as an alias.
            var at = FindUndefinedAlias(text) ?? e.Start;
            throw new ManifestException(
                [new ManifestError(sourceName, at.Line, at.Column,
                    $"YAML syntax error: {e.Message}; if this is a wildcard egress entry, quote it (e.g. \"*.github.com\")")],
                e);
        }
        catch (YamlException e)
        {
            throw new ManifestException(
                [new ManifestError(sourceName, e.Start.Line, e.Start.Column, $"YAML syntax error: {e.Message}")], e);
        }
    }

    private static Mark? FindUndefinedAlias(string text)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case AnchorAlias alias when !defined.Contains(alias.Value.Value):
                        return alias.Start;
                    case NodeEvent { Anchor.IsEmpty: false } node:
                        defined.Add(node.Anchor.Value);
                        break;
                }
            }
        }
        catch (YamlException)
        {
            // The first pass already failed; this is only a best effort to locate the problem.
        }

        return null;
    }
}
