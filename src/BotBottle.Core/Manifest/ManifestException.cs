namespace BotBottle.Core.Manifest;

/// <summary>
/// A manifest could not be loaded. Carries every problem found, not just the first, so an operator
/// can fix a manifest in one pass; the message lists them as "file:line:column: problem".
/// </summary>
public sealed class ManifestException : Exception
{
    public ManifestException()
        : this("invalid manifest")
    {
    }

    public ManifestException(string message)
        : base(message)
    {
        Errors = [];
    }

    public ManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public ManifestException(IReadOnlyList<ManifestError> errors, Exception? innerException = null)
        : base(Describe(errors), innerException)
    {
        Errors = errors;
    }

    public IReadOnlyList<ManifestError> Errors { get; }

    public string SourceName => Errors.Count > 0 ? Errors[0].SourceName : "";

    /// <summary>Line of the first problem (1-based), or 0 when unknown.</summary>
    public long Line => Errors.Count > 0 ? Errors[0].Line : 0;

    /// <summary>Column of the first problem (1-based), or 0 when unknown.</summary>
    public long Column => Errors.Count > 0 ? Errors[0].Column : 0;

    private static string Describe(IReadOnlyList<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count switch
        {
            0 => "invalid manifest",
            1 => $"invalid manifest {errors[0]}",
            _ => $"invalid manifest {errors[0].SourceName} ({errors.Count} problems):{Environment.NewLine}"
                 + string.Join(Environment.NewLine, errors.Select(e => "  " + e)),
        };
    }
}
