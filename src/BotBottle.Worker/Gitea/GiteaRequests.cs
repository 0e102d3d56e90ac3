using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace BotBottle.Worker.Gitea;

/// <summary>Requests to Gitea's (or Forgejo's) API, authenticated with the Worker's token.</summary>
internal static class GiteaRequests
{
    public static HttpRequestMessage Create(GiteaOptions options, HttpMethod method, string path, object? content = null)
    {
        var baseUrl = options.BaseUrl ?? throw new InvalidOperationException("BotBottle:Gitea:BaseUrl is not configured");
        var request = new HttpRequestMessage(method, new Uri(baseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("token", options.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (content is not null)
        {
            request.Content = JsonContent.Create(content);
        }

        return request;
    }

    /// <summary>"/api/v1/repos/{owner}/{repo}" for "owner/repo", each part escaped.</summary>
    public static string RepositoryPath(string repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var parts = repository.Split('/', 2);
        return parts.Length == 2
            ? $"/api/v1/repos/{Uri.EscapeDataString(parts[0])}/{Uri.EscapeDataString(parts[1])}"
            : throw new ArgumentException($"'{repository}' is not owner/repo", nameof(repository));
    }
}
