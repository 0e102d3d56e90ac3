using System.Text.Json;
using BotBottle.Core.Bottles;
using BotBottle.Core.ClaudeConfig;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Tests.ClaudeConfig;

public sealed class ClaudeConfigBuilderTests
{
    [Fact]
    public void Config_accepts_onboarding_bypass_mode_and_trust_for_each_project()
    {
        using var json = JsonDocument.Parse(ClaudeConfigBuilder.Build(["/workspace", "/home/agent/scratch"]));
        var root = json.RootElement;

        Assert.True(root.GetProperty("hasCompletedOnboarding").GetBoolean());
        Assert.Equal("dark", root.GetProperty("theme").GetString());
        Assert.True(root.GetProperty("bypassPermissionsModeAccepted").GetBoolean());
        var projects = root.GetProperty("projects");
        Assert.Equal(["/workspace", "/home/agent/scratch"], projects.EnumerateObject().Select(p => p.Name));
        foreach (var project in projects.EnumerateObject())
        {
            Assert.True(project.Value.GetProperty("hasTrustDialogAccepted").GetBoolean());
            Assert.Equal(0, project.Value.GetProperty("allowedTools").GetArrayLength());
        }
    }

    [Fact]
    public void Name_and_colour_are_omitted_when_empty()
    {
        using var json = JsonDocument.Parse(ClaudeConfigBuilder.Build(["/workspace"]));

        Assert.False(json.RootElement.TryGetProperty("name", out _));
        Assert.False(json.RootElement.TryGetProperty("color", out _));
    }

    [Fact]
    public void Label_becomes_name_and_colour_becomes_color()
    {
        using var json = JsonDocument.Parse(ClaudeConfigBuilder.Build(["/workspace"], "billing fix", "bright-cyan"));

        Assert.Equal("billing fix", json.RootElement.GetProperty("name").GetString());
        Assert.Equal("bright-cyan", json.RootElement.GetProperty("color").GetString());
    }

    [Fact]
    public void Label_without_colour_writes_only_the_name()
    {
        using var json = JsonDocument.Parse(ClaudeConfigBuilder.Build(["/workspace"], "billing fix"));

        Assert.Equal("billing fix", json.RootElement.GetProperty("name").GetString());
        Assert.False(json.RootElement.TryGetProperty("color", out _));
    }

    [Fact]
    public void Colour_outside_the_palette_is_left_out()
    {
        using var json = JsonDocument.Parse(ClaudeConfigBuilder.Build(["/workspace"], "x", "purple"));

        Assert.False(json.RootElement.TryGetProperty("color", out _));
    }

    [Fact]
    public void Spec_label_and_colour_are_used()
    {
        var manifest = ManifestLoader.Parse("agents:\n  a: { image: img, harness: claude }\n", "m.yaml");
        var spec = new BottleSpec(manifest, "a", false, "/src", Label: "lbl", Color: "RED");

        using var json = JsonDocument.Parse(ClaudeConfigBuilder.Build(spec, ["/workspace"]));

        Assert.Equal("lbl", json.RootElement.GetProperty("name").GetString());
        Assert.Equal("red", json.RootElement.GetProperty("color").GetString());
    }

    [Fact]
    public void Output_is_indented_with_a_trailing_newline_and_fixed_key_order()
    {
        var text = ClaudeConfigBuilder.Build(["/workspace"], "修正", "red");

        Assert.Equal(
            """
            {
              "hasCompletedOnboarding": true,
              "theme": "dark",
              "bypassPermissionsModeAccepted": true,
              "projects": {
                "/workspace": {
                  "hasTrustDialogAccepted": true,
                  "allowedTools": []
                }
              },
              "name": "修正",
              "color": "red"
            }

            """,
            text);
    }

    [Fact]
    public void Duplicate_project_paths_are_written_once()
    {
        using var json = JsonDocument.Parse(ClaudeConfigBuilder.Build(["/workspace", "/workspace"]));

        Assert.Single(json.RootElement.GetProperty("projects").EnumerateObject());
    }

    [Fact]
    public void Blank_project_path_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ClaudeConfigBuilder.Build(["/workspace", " "]));
    }

    [Fact]
    public void No_projects_gives_an_empty_projects_object()
    {
        using var json = JsonDocument.Parse(ClaudeConfigBuilder.Build([]));

        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("projects").ValueKind);
        Assert.Empty(json.RootElement.GetProperty("projects").EnumerateObject());
    }
}
