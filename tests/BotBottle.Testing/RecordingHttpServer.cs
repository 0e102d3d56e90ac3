using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace BotBottle.Testing;

/// <summary>
/// A listener on the far side of a bottle's proxy that keeps every request it received, whole: the
/// raw request target, every header line (each instance) and the body, as Latin-1 text so no byte
/// is lost. What a credential-scan test asks is whether a secret ever arrived here.
/// </summary>
public sealed class RecordingHttpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _received = new();
    private WebApplication? _app;

    public Uri Url { get; private set; } = null!;

    public int Port => Url.Port;

    public IReadOnlyCollection<string> Received => _received;

    /// <summary>Whether any request that arrived (after the first <paramref name="skip"/>) held <paramref name="text"/> anywhere.</summary>
    public bool Saw(string text, int skip = 0) => _received.Skip(skip).Any(r => r.Contains(text, StringComparison.Ordinal));

    public static async Task<RecordingHttpServer> StartAsync(IPAddress address)
    {
        var server = new RecordingHttpServer();
        (server._app, server.Url) = await LocalHttpServer.StartAsync(address, app => app.Run(server.RecordAsync));
        return server;
    }

    private async Task RecordAsync(HttpContext context)
    {
        var request = context.Request;
        var text = new StringBuilder();
        text.Append(request.Method).Append(' ').Append(context.Features.Get<IHttpRequestFeature>()?.RawTarget).Append('\n');
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                text.Append(name).Append(": ").Append(value).Append('\n');
            }
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        text.Append('\n').Append(Encoding.Latin1.GetString(body.ToArray()));
        _received.Enqueue(text.ToString());
        context.Response.Headers["X-Recorded"] = "yes";
        await context.Response.WriteAsync("recorded");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
