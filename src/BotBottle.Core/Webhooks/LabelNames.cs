using System.Collections;

namespace BotBottle.Core.Webhooks;

/// <summary>
/// A pull request's label names, compared by value (two parses of one payload are equal events),
/// matched without regard to case as Gitea shows them.
/// </summary>
public sealed class LabelNames(IEnumerable<string> names) : IReadOnlyList<string>, IEquatable<LabelNames>
{
    private readonly string[] _names = [.. names];

    public static LabelNames None { get; } = new([]);

    public int Count => _names.Length;

    public string this[int index] => _names[index];

    public bool Contains(string name) =>
        name.Length > 0 && _names.Any(label => string.Equals(label, name, StringComparison.OrdinalIgnoreCase));

    public bool Equals(LabelNames? other) => other is not null && _names.SequenceEqual(other._names, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as LabelNames);

    public override int GetHashCode() => _names.Aggregate(_names.Length, (hash, name) => HashCode.Combine(hash, StringComparer.Ordinal.GetHashCode(name)));

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_names).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", _names);
}
