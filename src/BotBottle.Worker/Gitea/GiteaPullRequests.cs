using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Gitea;

/// <summary>Where a pull request's head is now, as Gitea says: its commit and the repository it lives in.</summary>
/// <param name="HeadRepository">"owner/repo" of the head; null when Gitea no longer knows it (a deleted fork).</param>
public sealed record PullRequestHead(string Sha, string? HeadRepository, string? CloneUrl, string BaseRepository)
{
    /// <summary>A head in another repository than the base, or in one Gitea no longer knows, is a fork's.</summary>
    public bool FromFork => HeadRepository is null || !string.Equals(HeadRepository, BaseRepository, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A pull request's head, from Gitea's (and Forgejo's) API: <c>GET /api/v1/repos/{owner}/{repo}/pulls/{index}</c>
/// answers the PR object, of which this reads <c>head.sha</c>, <c>head.repo.full_name</c>,
/// <c>head.repo.clone_url</c> and <c>base.repo.full_name</c> (the events of Gitea before 1.23 carry
/// no pull request, so whether a comment is on a fork's PR is asked here).
/// </summary>
public sealed class GiteaPullRequests(HttpClient http, IOptions<GiteaOptions> options)
{
    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>The head of <paramref name="repository"/>#<paramref name="number"/>; null when Gitea does not know the PR.</summary>
    public async Task<PullRequestHead?> HeadOfAsync(string repository, int number, CancellationToken cancellationToken)
    {
        using var request = GiteaRequests.Create(options.Value, HttpMethod.Get, $"{GiteaRequests.RepositoryPath(repository)}/pulls/{number}");
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Gitea answered {(int)response.StatusCode} for pull request {repository}#{number}", null, response.StatusCode);
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = json.RootElement;
        var head = root.GetProperty("head");
        var headRepository = head.TryGetProperty("repo", out var repo) && repo.ValueKind == JsonValueKind.Object ? repo : (JsonElement?)null;
        var baseRepository = root.TryGetProperty("base", out var @base) && @base.TryGetProperty("repo", out var baseRepo) && baseRepo.ValueKind == JsonValueKind.Object
            ? baseRepo.GetProperty("full_name").GetString()
            : null;
        return new PullRequestHead(
            head.GetProperty("sha").GetString() ?? throw new InvalidDataException($"Gitea's answer for {repository}#{number} has no head.sha"),
            headRepository?.GetProperty("full_name").GetString(),
            headRepository is { } known && known.TryGetProperty("clone_url", out var clone) ? clone.GetString() : null,
            baseRepository ?? repository);
    }
}
