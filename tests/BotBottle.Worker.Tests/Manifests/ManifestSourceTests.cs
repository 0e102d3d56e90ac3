using BotBottle.Testing;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Manifests;
using BotBottle.Worker.Tests.Support;

namespace BotBottle.Worker.Tests.Manifests;

public sealed class ManifestSourceTests : IDisposable
{
    private readonly TempDirectory _root = new("botbottle-manifest");

    public void Dispose() => _root.Dispose();

    private ManifestSource Source(string yaml)
    {
        var path = _root.Combine("agents.yaml");
        File.WriteAllText(path, yaml);
        return new ManifestSource(Microsoft.Extensions.Options.Options.Create(new BottleOptions { ManifestPath = path }), new TestHostEnvironment(_root.Path));
    }

    [Fact]
    public void An_unchanged_file_is_not_parsed_again()
    {
        var source = Source("agents:\n  one:\n    image: x\n    harness: claude\n");

        Assert.Same(source.Load(), source.Load());
    }

    [Fact]
    public void An_edit_is_seen_by_the_next_load()
    {
        var source = Source("agents:\n  one:\n    image: x\n    harness: claude\n");
        Assert.Equal(["one"], source.Load().AgentKeys);

        File.WriteAllText(source.Path, "agents:\n  one:\n    image: x\n    harness: claude\n  two:\n    image: y\n    harness: codex\n");

        Assert.Equal(["one", "two"], source.Load().AgentKeys);
    }

    [Fact]
    public void A_bad_edit_fails_the_load_with_the_file()
    {
        var source = Source("agents:\n  one:\n    image: x\n    harness: claude\n");
        source.Load();

        File.WriteAllText(source.Path, "agents:\n  one:\n    harness: nonsense\n");

        var error = Assert.Throws<BotBottle.Core.Manifest.ManifestException>(source.Load);
        Assert.Contains("agents.yaml", error.Message, StringComparison.Ordinal);
    }
}
