using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BotBottle.Core.Webhooks;

namespace BotBottle.Web.Tests.Webhooks;

/// <summary>A delivery as Gitea sends it: the raw body and its headers, signed in the test from the raw bytes.</summary>
public sealed record GiteaDelivery(byte[] Body, string Event, string? EventType, string DeliveryId)
{
    public static string DataRoot { get; } = FindDataRoot();

    public static GiteaDelivery FromFile(string file, string eventFamily, string? eventType) =>
        new(File.ReadAllBytes(Path.Combine(DataRoot, file)), eventFamily, eventType, Guid.NewGuid().ToString());

    /// <summary>A payload of our own beside the real ones: a real file with some fields changed.</summary>
    public static GiteaDelivery Edited(string file, string eventFamily, string? eventType, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(File.ReadAllBytes(Path.Combine(DataRoot, file)))!;
        edit(node);
        return new(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()), eventFamily, eventType, Guid.NewGuid().ToString());
    }

    public HttpRequestMessage Request(string? secret = RunningWeb.Secret, Action<HttpRequestHeaders>? headers = null, byte[]? sentBody = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitea") { Content = new ByteArrayContent(sentBody ?? Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Gitea-Delivery", DeliveryId);
        request.Headers.Add("X-Gitea-Event", Event);
        if (EventType is not null)
        {
            request.Headers.Add("X-Gitea-Event-Type", EventType);
        }

        if (secret is not null)
        {
            var signature = WebhookSignature.Compute(Body, secret);
            request.Headers.Add("X-Gitea-Signature", signature);
            request.Headers.Add("X-Hub-Signature-256", $"sha256={signature}");
        }

        headers?.Invoke(request.Headers);
        return request;
    }

    private static string FindDataRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "TestData", "gitea");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/TestData/gitea not found above " + AppContext.BaseDirectory);
    }
}
