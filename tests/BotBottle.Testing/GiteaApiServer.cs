using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BotBottle.Testing;

/// <summary>
/// Plays Gitea's issue-comments API (Gitea itself cannot run here): records each request exactly as
/// received, keeps the comments it accepted, and can be told to fail the next POSTs. Listing honours
/// <c>since</c> (comments updated at or after it) and pages with <c>page</c>/<c>limit</c>, ten per
/// page by default, as Forgejo's API does (Gitea's returns them all; a client must cope with both).
/// </summary>
public sealed class GiteaApiServer : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentQueue<GiteaRequest> _requests = new();
    private readonly ConcurrentDictionary<string, List<JsonObject>> _comments = new();
    private int _failuresLeft;
    private int _lostAnswersLeft;
    private long _nextId = 1000;


    public string BaseUrl { get; private set; } = "";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> _permissions = new(StringComparer.Ordinal);

    public IReadOnlyList<GiteaRequest> Requests => [.. _requests];

    /// <summary>The next <paramref name="count"/> comment POSTs answer 500 without storing anything.</summary>
    public void FailNextPosts(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    /// <summary>The next <paramref name="count"/> comment POSTs store the comment, then answer 502 (a proxy that lost Gitea's answer).</summary>
    public void LoseNextPostAnswers(int count) => Interlocked.Exchange(ref _lostAnswersLeft, count);

    /// <summary>Comments other people wrote on the PR earlier.</summary>
    public void Seed(string repository, int number, int count, DateTimeOffset at)
    {
        var list = _comments.GetOrAdd($"{repository}#{number}", _ => []);
        lock (list)
        {
            for (var i = 0; i < count; i++)
            {
                list.Add(Comment($"earlier comment {i}", "someone", at));
            }
        }
    }

    public IReadOnlyList<string> CommentsOn(string repository, int number) =>
        _comments.TryGetValue($"{repository}#{number}", out var list) ? [.. list.Select(c => c["body"]!.GetValue<string>())] : [];

    /// <summary>
    /// Sets <paramref name="user"/>'s permission on <paramref name="repository"/>, as Gitea's
    /// permission API will answer it ("read", "write", "admin", "owner"; null: an unknown user, 404).
    /// Users never set answer "write": the repository's collaborators.
    /// </summary>
    public void SetPermission(string repository, string user, string? permission) =>
        _permissions[$"{repository}:{user}"] = permission;

    private readonly ConcurrentDictionary<string, (string HeadSha, string? HeadRepository, string? CloneUrl)> _pulls = new(StringComparer.Ordinal);

    /// <summary>
    /// Sets where <paramref name="repository"/>#<paramref name="number"/>'s head is, as Gitea's
    /// <c>GET /repos/{owner}/{repo}/pulls/{index}</c> will answer it (a PR never set answers 404).
    /// <paramref name="headRepository"/> null: the head's repository is gone (a deleted fork).
    /// </summary>
    public void SetPullRequest(string repository, int number, string headSha, string? headRepository, string? cloneUrl) =>
        _pulls[$"{repository}#{number}"] = (headSha, headRepository, cloneUrl);

    public static async Task<GiteaApiServer> StartAsync()
    {
        var server = new GiteaApiServer();
        (server._app, var url) = await LocalHttpServer.StartAsync(IPAddress.Loopback, app =>
        {
            app.MapPost("/api/v1/repos/{owner}/{repo}/issues/{index:int}/comments", server.PostAsync);
            app.MapGet("/api/v1/repos/{owner}/{repo}/issues/{index:int}/comments", server.List);
            app.MapGet("/api/v1/repos/{owner}/{repo}/collaborators/{user}/permission", server.Permission);
            app.MapGet("/api/v1/repos/{owner}/{repo}/pulls/{index:int}", server.PullRequest);
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

        var comment = Comment(JsonNode.Parse(body)!["body"]!.GetValue<string>(), "botbottle", DateTimeOffset.UtcNow);
        var list = _comments.GetOrAdd($"{owner}/{repo}#{index}", _ => []);
        lock (list)
        {
            list.Add(comment);
        }

        return Interlocked.Decrement(ref _lostAnswersLeft) >= 0 ? Results.StatusCode(502) : Results.Json(comment, statusCode: 201);
    }

    private JsonObject Comment(string body, string login, DateTimeOffset at) => new()
    {
        ["id"] = Interlocked.Increment(ref _nextId),
        ["body"] = body,
        ["user"] = new JsonObject { ["login"] = login },
        ["created_at"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["updated_at"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>As Gitea answers <c>GET .../collaborators/{user}/permission</c>: the permission, the role's name and the user.</summary>
    private IResult Permission(HttpContext context, string owner, string repo, string user)
    {
        _requests.Enqueue(new GiteaRequest("GET", context.Request.Path, context.Request.Headers.Authorization.ToString(), "", ""));
        var permission = _permissions.TryGetValue($"{owner}/{repo}:{user}", out var set) ? set : "write";
        return permission is null
            ? Results.Json(new JsonObject { ["message"] = "user does not exist", ["url"] = BaseUrl + "/api/swagger" }, statusCode: 404)
            : Results.Json(new JsonObject
            {
                ["permission"] = permission,
                ["role_name"] = permission,
                ["user"] = new JsonObject { ["id"] = 42, ["login"] = user, ["username"] = user },
            });
    }

    /// <summary>
    /// As Gitea answers <c>GET .../pulls/{index}</c> (trimmed to the fields a client reads; Gitea sends
    /// many more): number, state, <c>head</c> {ref, sha, repo_id, repo} and <c>base</c> {ref, sha, repo};
    /// a head whose repository was deleted has <c>repo</c> null and <c>repo_id</c> 0.
    /// </summary>
    private IResult PullRequest(HttpContext context, string owner, string repo, int index)
    {
        _requests.Enqueue(new GiteaRequest("GET", context.Request.Path, context.Request.Headers.Authorization.ToString(), "", ""));
        if (!_pulls.TryGetValue($"{owner}/{repo}#{index}", out var pull))
        {
            return Results.Json(new JsonObject { ["errors"] = null, ["message"] = "The target couldn't be found.", ["url"] = BaseUrl + "/api/swagger" }, statusCode: 404);
        }

        static JsonObject Repository(string fullName, string? cloneUrl) => new()
        {
            ["id"] = Math.Abs(fullName.GetHashCode(StringComparison.Ordinal)),
            ["name"] = fullName.Split('/')[1],
            ["full_name"] = fullName,
            ["owner"] = new JsonObject { ["login"] = fullName.Split('/')[0] },
            ["clone_url"] = cloneUrl,
            ["fork"] = false,
        };

        return Results.Json(new JsonObject
        {
            ["id"] = 9000 + index,
            ["number"] = index,
            ["state"] = "open",
            ["head"] = new JsonObject
            {
                ["ref"] = "main",
                ["sha"] = pull.HeadSha,
                ["repo_id"] = pull.HeadRepository is null ? 0 : 2,
                ["repo"] = pull.HeadRepository is { } head ? Repository(head, pull.CloneUrl) : null,
            },
            ["base"] = new JsonObject
            {
                ["ref"] = "main",
                ["sha"] = "0000000000000000000000000000000000000000",
                ["repo"] = Repository($"{owner}/{repo}", $"{BaseUrl}/{owner}/{repo}.git"),
            },
        });
    }

    private IResult List(HttpContext context, string owner, string repo, int index)
    {
        _requests.Enqueue(new GiteaRequest("GET", context.Request.Path, context.Request.Headers.Authorization.ToString(), "", ""));
        var query = context.Request.Query;
        var since = DateTimeOffset.TryParse(query["since"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var from) ? from : DateTimeOffset.MinValue;
        var page = int.TryParse(query["page"], out var p) && p > 0 ? p : 1;
        var limit = int.TryParse(query["limit"], out var l) && l > 0 ? Math.Min(l, 50) : 10;
        var list = _comments.GetOrAdd($"{owner}/{repo}#{index}", _ => []);
        lock (list)
        {
            var matching = list.Where(c => DateTimeOffset.Parse(c["updated_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >= since).ToList();
            context.Response.Headers["X-Total-Count"] = matching.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(new JsonArray([.. matching.Skip((page - 1) * limit).Take(limit).Select(c => c.DeepClone())]));
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
