using System.Text.Json;

namespace BotBottle.Core.Webhooks;

/// <summary>
/// Lenient reads from a Gitea payload: a property that is absent, null or of another type reads as
/// null, so older, newer and trimmed payloads all parse, and the parser decides what is required.
/// </summary>
internal static class GiteaJson
{
    public static JsonElement? Object(this JsonElement element, string property) =>
        element.Property(property) is { ValueKind: JsonValueKind.Object } value ? value : null;

    public static string? String(this JsonElement element, string property) =>
        element.Property(property) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static long? Long(this JsonElement element, string property) =>
        element.Property(property) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number)
            ? number
            : null;

    public static int? Int(this JsonElement element, string property) =>
        element.Property(property) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number)
            ? number
            : null;

    public static bool? Bool(this JsonElement element, string property) =>
        element.Property(property)?.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };

    /// <summary>The string at a dotted path such as "head.repo.clone_url"; null if any step is missing.</summary>
    public static string? StringAt(this JsonElement element, string path)
    {
        var steps = path.Split('.');
        JsonElement? current = element;
        foreach (var step in steps.AsSpan(0, steps.Length - 1))
        {
            current = current?.Object(step);
        }

        return current?.String(steps[^1]);
    }

    private static JsonElement? Property(this JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) ? value : null;
}
