using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Gitea;

/// <summary>
/// Posts an agent's result on its PR. Each comment carries an invisible marker naming the delivery
/// it answers; before every attempt the PR's comments since the delivery was accepted are searched
/// for it (page by page), so a POST that reached Gitea but whose answer was lost, or whose Worker
/// died after it, is not posted twice, however long the PR's conversation.
/// </summary>
public sealed partial class GiteaCommentClient(HttpClient http, IOptions<GiteaOptions> options, TimeProvider clock, ILogger<GiteaCommentClient> logger)
{
    public static string Marker(string deliveryId) => $"<!-- botbottle:delivery:{deliveryId} -->";

    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>Comments asked for per page when searching for a marker.</summary>
    public const int PageSize = 50;

    /// <summary>Pages searched at most (a PR with more comments than this since the delivery is not searched further).</summary>
    public const int MaxPages = 100;

    /// <param name="acceptedAt">When the delivery was accepted: no comment for it can be older, so the search starts there (less a margin for clock skew).</param>
    /// <returns>True when the comment is on the PR (posted now or found from an earlier attempt).</returns>
    public async Task<bool> PostOnceAsync(string repository, int number, string deliveryId, string body, DateTimeOffset acceptedAt, CancellationToken cancellationToken)
    {
        var text = $"{body}\n\n{Marker(deliveryId)}";
        var since = acceptedAt == default ? (DateTimeOffset?)null : acceptedAt - TimeSpan.FromMinutes(10);
        var delay = options.Value.FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await AlreadyPostedAsync(repository, number, deliveryId, since, cancellationToken))
                {
                    return true;
                }

                using var response = await http.SendAsync(Request(HttpMethod.Post, CommentsPath(repository, number), new { body = text }), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }

                if (!IsWorthRetrying(response.StatusCode) || attempt >= options.Value.MaxAttempts)
                {
                    LogGaveUp(logger, repository, number, (int)response.StatusCode);
                    return false;
                }
            }
            catch (HttpRequestException ex) when (attempt < options.Value.MaxAttempts)
            {
                LogRetrying(logger, repository, number, ex.Message);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested && attempt < options.Value.MaxAttempts)
            {
                // The HTTP timeout, not our caller: the POST may have landed; the next attempt checks first.
                LogRetrying(logger, repository, number, "timed out");
            }

            await Task.Delay(delay, clock, cancellationToken);
            delay *= 2;
        }
    }

    /// <summary>
    /// Whether a comment with the delivery's marker is on the PR. Pages through the comments (Gitea
    /// and Forgejo versions differ in whether this list is paged; a page that brings nothing new ends
    /// the search either way).
    /// </summary>
    private async Task<bool> AlreadyPostedAsync(string repository, int number, string deliveryId, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var marker = Marker(deliveryId);
        var seen = new HashSet<long>();
        for (var page = 1; page <= MaxPages; page++)
        {
            var query = $"?page={page}&limit={PageSize}" + (since is { } from ? $"&since={Uri.EscapeDataString(from.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))}" : "");
            using var response = await http.SendAsync(Request(HttpMethod.Get, CommentsPath(repository, number) + query, null), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"listing the comments answered {(int)response.StatusCode}", null, response.StatusCode);
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (json.RootElement.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            var count = 0;
            var fresh = 0;
            foreach (var comment in json.RootElement.EnumerateArray())
            {
                count++;
                if (comment.TryGetProperty("id", out var id) && id.TryGetInt64(out var commentId) && !seen.Add(commentId))
                {
                    continue;
                }

                fresh++;
                if (comment.TryGetProperty("body", out var text) && text.GetString()?.Contains(marker, StringComparison.Ordinal) == true)
                {
                    return true;
                }
            }

            if (count < PageSize || fresh == 0)
            {
                return false;
            }
        }

        return false;
    }

    private HttpRequestMessage Request(HttpMethod method, string path, object? content) =>
        GiteaRequests.Create(options.Value, method, path, content);

    private static string CommentsPath(string repository, int number) =>
        $"{GiteaRequests.RepositoryPath(repository)}/issues/{number}/comments";

    private static bool IsWorthRetrying(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commenting on {Repository}#{Number} failed ({Reason}); retrying")]
    private static partial void LogRetrying(ILogger logger, string repository, int number, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up commenting on {Repository}#{Number}: HTTP {Status}")]
    private static partial void LogGaveUp(ILogger logger, string repository, int number, int status);
}
