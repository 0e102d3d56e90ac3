using System.Text.Json;
using System.Text.Json.Nodes;
using BotBottle.Core.Webhooks;

namespace BotBottle.Core.Tests.Webhooks;

/// <summary>
/// The real Gitea payloads in tests/TestData/gitea, found by walking up from the test binaries, and
/// the headers Gitea would send with them.
/// </summary>
public static class GiteaTestData
{
    public const string Secret = "gitea-webhook-test-secret";

    private static readonly Lazy<string> Root = new(FindRoot);

    public static string Directory => Root.Value;

    /// <summary>The policy the data set is mapped under: every repository in it is allowed, some in another case.</summary>
    public static WebhookPolicy Policy { get; } = new()
    {
        BotLogin = "botbottle",
        AgentName = "pr-reviewer",
        Repositories =
        [
            "example/example",
            "Aneesh-Hegde/gitea-webhook",
            "anbraten/test-repo",
            "a_nice_user/hello_world_ci",
            "test_it/test_ci_thing",
            "test-ci/multi-line-secrets",
            "gogits/hello-world",
            "jcitizen/my-repo",
        ],
    };

    public static byte[] Bytes(string relativePath) => File.ReadAllBytes(Path.Combine(Directory, relativePath));

    /// <summary>Every payload body under the directory (not the headers files, not the manifest), as relative paths.</summary>
    public static IReadOnlyList<string> AllPayloadFiles() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.json", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".headers.json", StringComparison.Ordinal) && Path.GetFileName(f) != "manifest.json")
            .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The captures' headers files, as paths relative to the data directory.</summary>
    public static IReadOnlyList<string> CaptureHeaderFiles() =>
        System.IO.Directory.EnumerateFiles(Path.Combine(Directory, "captures"), "*.headers.json")
            .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static CaptureHeaders Headers(string headersRelativePath)
    {
        using var document = JsonDocument.Parse(Bytes(headersRelativePath));
        var root = document.RootElement;
        var sent = root.GetProperty("headers_gitea_would_send");
        string? Header(string name) => sent.TryGetProperty(name, out var value) ? value.GetString() : null;
        ThirdPartyVector? vector = root.TryGetProperty("third_party_signature_vector", out var v)
            ? new ThirdPartyVector(v.GetProperty("secret").GetString()!, v.GetProperty("X-Gitea-Signature").GetString()!)
            : null;
        return new CaptureHeaders(
            "captures/" + root.GetProperty("file").GetString(),
            Header("X-Gitea-Event")!,
            Header("X-Gitea-Event-Type"),
            Header("X-Gitea-Signature")!,
            Header("X-Hub-Signature-256")!,
            vector);
    }

    public static GiteaEvent ParseOk(string family, string? type, byte[] body)
    {
        var result = GiteaEventParser.Parse(family, type, body);
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Event;
    }

    public static GiteaEvent ParseFile(string relativePath, string family, string? type) => ParseOk(family, type, Bytes(relativePath));

    /// <summary>A real payload with one change, as a test would need a case no capture has (a mention, the bot as author).</summary>
    public static byte[] Edited(string relativePath, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(Bytes(relativePath))!;
        edit(node);
        return JsonSerializer.SerializeToUtf8Bytes(node);
    }

    public static PrAction Map(string family, string? type, byte[] body, WebhookPolicy? policy = null) =>
        PrActionMapper.Map(ParseOk(family, type, body), policy ?? Policy);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "TestData", "gitea");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/TestData/gitea not found above {AppContext.BaseDirectory}");
    }
}

public sealed record CaptureHeaders(
    string BodyFile,
    string GiteaEvent,
    string? GiteaEventType,
    string GiteaSignature,
    string HubSignature256,
    ThirdPartyVector? ThirdParty);

public sealed record ThirdPartyVector(string Secret, string GiteaSignature);
