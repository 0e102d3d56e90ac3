using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BotBottle.Worker.Gitea;

/// <summary>What a user may do on a repository, as Gitea ranks it.</summary>
public enum RepositoryAccess
{
    None = 0,
    Read = 1,
    Write = 2,
    Admin = 3,
    Owner = 4,
}

/// <summary>
/// A user's permission on a repository, from Gitea's (and Forgejo's) API:
/// <c>GET /api/v1/repos/{owner}/{repo}/collaborators/{user}/permission</c>, which answers
/// <c>{"permission": "none"|"read"|"write"|"admin"|"owner", "role_name": ..., "user": {...}}</c>
/// for any user the server knows (a non-collaborator on a public repository reads "read") and 404
/// for one it does not. Answers are cached in Redis for <see cref="CacheFor"/>, shared by Workers.
/// </summary>
public sealed class GiteaPermissions(HttpClient http, IOptions<GiteaOptions> options, IConnectionMultiplexer redis)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    public bool IsConfigured => options.Value.IsConfigured;

    public async Task<RepositoryAccess> OfAsync(string repository, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        RedisKey key = $"botbottle:gitea:permission:{repository}:{user.ToLowerInvariant()}";
        var db = redis.GetDatabase();
        if (await db.StringGetAsync(key) is { HasValue: true } cached && Enum.TryParse<RepositoryAccess>(cached.ToString(), out var known))
        {
            return known;
        }

        var permission = await AskAsync(repository, user, cancellationToken);
        await db.StringSetAsync(key, permission.ToString(), CacheFor);
        return permission;
    }

    private async Task<RepositoryAccess> AskAsync(string repository, string user, CancellationToken cancellationToken)
    {
        var path = $"{GiteaRequests.RepositoryPath(repository)}/collaborators/{Uri.EscapeDataString(user)}/permission";
        using var request = GiteaRequests.Create(options.Value, HttpMethod.Get, path);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            // No such user, or one the token may not look up: no permission.
            return RepositoryAccess.None;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Gitea answered {(int)response.StatusCode} for the permission of {user} on {repository}", null, response.StatusCode);
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return json.RootElement.TryGetProperty("permission", out var value) ? Parse(value.GetString()) : RepositoryAccess.None;
    }

    public static RepositoryAccess Parse(string? text) =>
        Enum.TryParse<RepositoryAccess>(text, ignoreCase: true, out var permission) && Enum.IsDefined(permission)
            ? permission
            : RepositoryAccess.None;
}
