using System.Text.Json;
using BotBottle.Core.Bottles;
using BotBottle.Core.State;
using BotBottle.Core.Tests.TestSupport;

namespace BotBottle.Core.Tests.State;

public sealed class BottleStateStoreTests : IDisposable
{
    private const string PrototypeMetadata = """
        {
          "identity": "alice",
          "agent_name": "implementer",
          "cwd": "/home/alice/src/app",
          "copy_cwd": true,
          "started_at": "2026-06-03T14:02:11.123456+00:00",
          "compose_project": "bot-bottle-a3f9",
          "backend": "docker",
          "label": "billing fix",
          "color": "bright-cyan"
        }
        """;

    private static readonly BottleMetadata Sample = new(
        "alice", "implementer", "/home/alice/src/app", true,
        "2026-06-03T14:02:11.123456+00:00", "bot-bottle-a3f9", "docker", "billing fix", "bright-cyan");

    private readonly TempDirectory _dir = new();
    private readonly BottleStateStore _store;

    public BottleStateStoreTests()
    {
        _store = new BottleStateStore(_dir.Path);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Metadata_lives_in_a_directory_named_after_the_slug()
    {
        Assert.Equal(Path.Combine(_dir.Path, "a3f9", "metadata.json"), _store.MetadataPath("a3f9"));
        Assert.Equal(Path.Combine(_dir.Path, "a3f9", "transcript"), _store.TranscriptDir("a3f9"));
        Assert.Equal(Path.Combine(_dir.Path, "a3f9"), _store.BottleDir("a3f9"));
    }

    [Fact]
    public void Written_metadata_reads_back_equal()
    {
        _store.WriteMetadata("a3f9", Sample);

        Assert.Equal(Sample, _store.ReadMetadata("a3f9"));
    }

    [Fact]
    public void Metadata_is_written_with_the_prototype_snake_case_keys_in_order()
    {
        _store.WriteMetadata("a3f9", Sample);

        using var json = JsonDocument.Parse(File.ReadAllText(_store.MetadataPath("a3f9")));
        Assert.Equal(
            ["identity", "agent_name", "cwd", "copy_cwd", "started_at", "compose_project", "backend", "label", "color"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.True, json.RootElement.GetProperty("copy_cwd").ValueKind);
    }

    [Fact]
    public void Metadata_file_is_indented_readable_and_ends_with_a_newline()
    {
        _store.WriteMetadata("a3f9", Sample with { Label = "修正 €" });

        var text = File.ReadAllText(_store.MetadataPath("a3f9"));

        Assert.StartsWith("{\n  \"identity\": \"alice\",\n", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.Contains("\"started_at\": \"2026-06-03T14:02:11.123456+00:00\"", text, StringComparison.Ordinal);
        Assert.Contains("\"label\": \"修正 €\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Metadata_written_by_the_python_prototype_loads()
    {
        WriteRaw("a3f9", PrototypeMetadata);

        Assert.Equal(Sample, _store.ReadMetadata("a3f9"));
    }

    [Fact]
    public void Python_ascii_escaped_json_with_a_naive_timestamp_loads_unchanged()
    {
        WriteRaw("b81c", """{"identity": "", "agent_name": "implementer", "cwd": "/src", "copy_cwd": false, "started_at": "2026-06-03T14:02:11", "compose_project": "p", "backend": "docker", "label": "\u4fee\u6b63", "color": ""}""");

        var metadata = _store.ReadMetadata("b81c");

        Assert.Equal("2026-06-03T14:02:11", metadata.StartedAt);
        Assert.Equal("修正", metadata.Label);
        _store.WriteMetadata("b81c", metadata);
        Assert.Equal(metadata, _store.ReadMetadata("b81c"));
    }

    [Fact]
    public void Older_metadata_without_label_and_colour_loads_with_empty_defaults()
    {
        WriteRaw("a3f9", """
            {
              "identity": "alice",
              "agent_name": "implementer",
              "cwd": "/src",
              "copy_cwd": false,
              "started_at": "2026-06-03T14:02:11",
              "compose_project": "bot-bottle-a3f9",
              "backend": "docker"
            }
            """);

        var metadata = _store.ReadMetadata("a3f9");

        Assert.Equal("", metadata.Label);
        Assert.Equal("", metadata.Color);
        Assert.Equal("implementer", metadata.AgentName);
    }

    [Fact]
    public void Unknown_extra_keys_from_newer_versions_are_ignored()
    {
        WriteRaw("a3f9", PrototypeMetadata.Replace("\"backend\": \"docker\",", "\"backend\": \"docker\", \"future\": [1, 2],", StringComparison.Ordinal));

        Assert.Equal(Sample, _store.ReadMetadata("a3f9"));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("{\"identity\": \"alice\"")]
    [InlineData("[]")]
    [InlineData("null")]
    public void Invalid_json_is_reported_as_corrupt_naming_the_file(string content)
    {
        WriteRaw("a3f9", content);

        var error = Assert.Throws<CorruptMetadataException>(() => _store.ReadMetadata("a3f9"));

        Assert.Equal(_store.MetadataPath("a3f9"), error.FilePath);
        Assert.StartsWith($"corrupt bottle metadata in {_store.MetadataPath("a3f9")}: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("identity")]
    [InlineData("agent_name")]
    [InlineData("cwd")]
    [InlineData("copy_cwd")]
    [InlineData("started_at")]
    [InlineData("compose_project")]
    [InlineData("backend")]
    public void Missing_required_key_is_reported_as_corrupt(string key)
    {
        using var original = JsonDocument.Parse(PrototypeMetadata);
        var without = original.RootElement.EnumerateObject()
            .Where(p => p.Name != key)
            .ToDictionary(p => p.Name, p => p.Value.Clone());
        WriteRaw("a3f9", JsonSerializer.Serialize(without));

        var error = Assert.Throws<CorruptMetadataException>(() => _store.ReadMetadata("a3f9"));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(_store.MetadataPath("a3f9"), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"copy_cwd\": true", "\"copy_cwd\": \"yes\"")]
    [InlineData("\"identity\": \"alice\"", "\"identity\": null")]
    [InlineData("\"started_at\": \"2026-06-03T14:02:11.123456+00:00\"", "\"started_at\": \"last tuesday\"")]
    public void Wrongly_typed_or_unusable_values_are_reported_as_corrupt(string original, string replacement)
    {
        WriteRaw("a3f9", PrototypeMetadata.Replace(original, replacement, StringComparison.Ordinal));

        var error = Assert.Throws<CorruptMetadataException>(() => _store.ReadMetadata("a3f9"));

        Assert.Equal(_store.MetadataPath("a3f9"), error.FilePath);
    }

    [Fact]
    public void Reading_a_bottle_without_metadata_returns_null_or_throws_file_not_found()
    {
        Assert.Null(_store.TryReadMetadata("a3f9"));
        var error = Assert.Throws<FileNotFoundException>(() => _store.ReadMetadata("a3f9"));
        Assert.Equal(_store.MetadataPath("a3f9"), error.FileName);
    }

    [Fact]
    public void Rewriting_metadata_replaces_it_and_leaves_no_temporary_files()
    {
        _store.WriteMetadata("a3f9", Sample);
        _store.WriteMetadata("a3f9", Sample with { Label = "second" });

        Assert.Equal("second", _store.ReadMetadata("a3f9").Label);
        Assert.Equal(["metadata.json"], Directory.GetFiles(_store.BottleDir("a3f9")).Select(Path.GetFileName));
    }

    [Fact]
    public void Failed_write_leaves_no_temporary_file_behind()
    {
        // A directory where the file should go makes the final rename fail after the temp file is written.
        Directory.CreateDirectory(Path.Combine(_store.BottleDir("a3f9"), "metadata.json"));

        Assert.ThrowsAny<IOException>(() => _store.WriteMetadata("a3f9", Sample));

        Assert.Equal(["metadata.json"], Directory.GetFileSystemEntries(_store.BottleDir("a3f9")).Select(Path.GetFileName));
    }

    [Fact]
    public void Listing_returns_sorted_slugs_that_have_metadata()
    {
        _store.WriteMetadata("d220", Sample);
        _store.WriteMetadata("a3f9", Sample);
        Directory.CreateDirectory(_dir.Combine("b81c"));
        Directory.CreateDirectory(_dir.Combine(".hidden"));
        File.WriteAllText(_dir.Combine(".hidden", "metadata.json"), PrototypeMetadata);

        Assert.Equal(["a3f9", "d220"], _store.ListSlugs());
    }

    [Fact]
    public void Listing_a_state_root_that_does_not_exist_yet_is_empty()
    {
        var store = new BottleStateStore(_dir.Combine("not", "yet"));

        Assert.Empty(store.ListSlugs());
    }

    [Fact]
    public void Creating_a_bottle_makes_a_fresh_directory_with_a_short_hex_slug()
    {
        var slug = _store.CreateBottle();

        Assert.Matches("^[0-9a-f]{4}$", slug);
        Assert.True(Directory.Exists(_store.BottleDir(slug)));
    }

    [Fact]
    public void Creating_a_bottle_skips_slugs_already_on_disk()
    {
        Directory.CreateDirectory(_dir.Combine("a3f9"));
        var draws = new Queue<string>(["a3f9", "b81c"]);
        var store = new BottleStateStore(_dir.Path, new SlugGenerator(_ => draws.Dequeue()));

        Assert.Equal("b81c", store.CreateBottle());
    }

    [Fact]
    public void Deleting_a_bottle_removes_its_whole_directory()
    {
        _store.WriteMetadata("a3f9", Sample);
        Directory.CreateDirectory(_store.TranscriptDir("a3f9"));
        File.WriteAllText(Path.Combine(_store.TranscriptDir("a3f9"), "log.jsonl"), "{}");

        Assert.True(_store.Delete("a3f9"));

        Assert.False(Directory.Exists(_store.BottleDir("a3f9")));
        Assert.False(_store.Delete("a3f9"));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("")]
    public void Slugs_that_could_escape_the_state_root_are_refused(string slug)
    {
        Assert.Throws<ArgumentException>(() => _store.BottleDir(slug));
        Assert.Throws<ArgumentException>(() => _store.Delete(slug));
        Assert.Throws<ArgumentException>(() => _store.TryReadMetadata(slug));
    }

    [Fact]
    public void Relative_state_root_is_made_absolute()
    {
        var store = new BottleStateStore("relative-state");

        Assert.True(Path.IsPathFullyQualified(store.Root));
    }

    private void WriteRaw(string slug, string content)
    {
        Directory.CreateDirectory(_store.BottleDir(slug));
        File.WriteAllText(_store.MetadataPath(slug), content);
    }
}
