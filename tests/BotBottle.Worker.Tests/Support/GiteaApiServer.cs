using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BotBottle.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BotBottle.Worker.Tests.Support;

/// <summary>
/// Plays Gitea's issue-comments API (Gitea itself cannot run here): records each request exactly as
/// received, keeps the comments it accepted, and can be told to fail the next POSTs.
/// </summary>
public sealed class GiteaApiServer : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentQueue<GiteaRequest> _requests = new();
    private readonly ConcurrentDictionary<string, List<JsonObject>> _comments = new();
    private int _failuresLeft;
    private long _nextId = 1000;


    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<GiteaRequest> Requests => [.. _requests];

    /// <summary>The next <paramref name="count"/> comment POSTs answer 500 without storing anything.</summary>
    public void FailNextPosts(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    public IReadOnlyList<string> CommentsOn(string repository, int number) =>
        _comments.TryGetValue($"{repository}#{number}", out var list) ? [.. list.Select(c => c["body"]!.GetValue<string>())] : [];

    public static async Task<GiteaApiServer> StartAsync()
    {
        var server = new GiteaApiServer();
        (server._app, var url) = await LocalHttpServer.StartAsync(IPAddress.Loopback, app =>
        {
            app.MapPost("/api/v1/repos/{owner}/{repo}/issues/{index:int}/comments", server.PostAsync);
            app.MapGet("/api/v1/repos/{owner}/{repo}/issues/{index:int}/comments", server.List);
        });
        server.BaseUrl = url.ToString().TrimEnd('/');
        return server;
    }

    private async Task<IResult> PostAsync(HttpContext context, string owner, string repo, int index)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        _requests.Enqueue(new GiteaRequest("POST", context.Request.Path, context.Request.Headers.Authorization.ToString(), context.Request.ContentType ?? "", body));
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            return Results.StatusCode(500);
        }

        var comment = new JsonObject
        {
            ["id"] = Interlocked.Increment(ref _nextId),
            ["body"] = JsonNode.Parse(body)!["body"]!.GetValue<string>(),
            ["user"] = new JsonObject { ["login"] = "botbottle" },
        };
        var list = _comments.GetOrAdd($"{owner}/{repo}#{index}", _ => []);
        lock (list)
        {
            list.Add(comment);
        }

        return Results.Json(comment, statusCode: 201);
    }

    private IResult List(HttpContext context, string owner, string repo, int index)
    {
        _requests.Enqueue(new GiteaRequest("GET", context.Request.Path, context.Request.Headers.Authorization.ToString(), "", ""));
        var list = _comments.GetOrAdd($"{owner}/{repo}#{index}", _ => []);
        lock (list)
        {
            return Results.Json(new JsonArray([.. list.Select(c => c.DeepClone())]));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record GiteaRequest(string Method, string Path, string Authorization, string ContentType, string Body)
{
    public JsonDocument Json() => JsonDocument.Parse(Body);
}
