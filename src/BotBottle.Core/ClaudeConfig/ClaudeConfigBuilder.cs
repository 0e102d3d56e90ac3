using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BotBottle.Core.Bottles;
using BotBottle.Core.Colors;

namespace BotBottle.Core.ClaudeConfig;

/// <summary>
/// Builds the in-container <c>~/.claude.json</c>: pre-accepts onboarding, the bypass-permissions prompt and
/// each project's trust dialog so the agent starts unattended, and carries the bottle's label and colour
/// as <c>name</c> / <c>color</c> for when Claude Code learns to show them.
/// </summary>
public static class ClaudeConfigBuilder
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Build(BottleSpec spec, IEnumerable<string> projectPaths)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Build(projectPaths, spec.Label, spec.Color);
    }

    /// <param name="projectPaths">Paths (inside the container) Claude Code will be started in; duplicates are written once.</param>
    /// <param name="label">Written as <c>name</c>; omitted when empty.</param>
    /// <param name="color">Written as <c>color</c>; omitted when empty or not one of the 16 ANSI names.</param>
    public static string Build(IEnumerable<string> projectPaths, string label = "", string color = "")
    {
        ArgumentNullException.ThrowIfNull(projectPaths);
        var projects = DistinctProjects(projectPaths);
        var colorName = AnsiColor.Parse(color).Color;

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("hasCompletedOnboarding", true);
            writer.WriteString("theme", "dark");
            writer.WriteBoolean("bypassPermissionsModeAccepted", true);
            WriteProjects(writer, projects);
            WriteIfPresent(writer, "name", label);
            WriteIfPresent(writer, "color", colorName);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static List<string> DistinctProjects(IEnumerable<string> projectPaths)
    {
        var projects = projectPaths.Distinct(StringComparer.Ordinal).ToList();
        return projects.Any(string.IsNullOrWhiteSpace)
            ? throw new ArgumentException("project paths must not be blank", nameof(projectPaths))
            : projects;
    }

    private static void WriteProjects(Utf8JsonWriter writer, List<string> projects)
    {
        writer.WriteStartObject("projects");
        foreach (var project in projects)
        {
            writer.WriteStartObject(project);
            writer.WriteBoolean("hasTrustDialogAccepted", true);
            writer.WriteStartArray("allowedTools");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }
}
