using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Gitea;

/// <summary>
/// Posts an agent's result on its PR. Each comment carries an invisible marker naming the delivery
/// it answers; before a retry the PR's comments are checked for it, so a POST that reached Gitea but
/// whose answer was lost is not posted twice.
/// </summary>
public sealed partial class GiteaCommentClient(HttpClient http, IOptions<GiteaOptions> options, TimeProvider clock, ILogger<GiteaCommentClient> logger)
{
    public static string Marker(string deliveryId) => $"<!-- botbottle:delivery:{deliveryId} -->";

    public bool IsConfigured => options.Value.BaseUrl is not null && options.Value.Token.Length > 0;

    /// <returns>True when the comment is on the PR (posted now or found from an earlier attempt).</returns>
    public async Task<bool> PostOnceAsync(string repository, int number, string deliveryId, string body, CancellationToken cancellationToken)
    {
        var text = $"{body}\n\n{Marker(deliveryId)}";
        var delay = options.Value.FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (attempt > 1 && await AlreadyPostedAsync(repository, number, deliveryId, cancellationToken))
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

    private async Task<bool> AlreadyPostedAsync(string repository, int number, string deliveryId, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Get, CommentsPath(repository, number), null), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var marker = Marker(deliveryId);
        return json.RootElement.ValueKind == JsonValueKind.Array && json.RootElement.EnumerateArray().Any(c =>
            c.TryGetProperty("body", out var b) && b.GetString()?.Contains(marker, StringComparison.Ordinal) == true);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, object? content)
    {
        var baseUrl = options.Value.BaseUrl ?? throw new InvalidOperationException("BotBottle:Gitea:BaseUrl is not configured");
        var request = new HttpRequestMessage(method, new Uri(baseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("token", options.Value.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (content is not null)
        {
            request.Content = JsonContent.Create(content);
        }

        return request;
    }

    private static string CommentsPath(string repository, int number)
    {
        var parts = repository.Split('/', 2);
        return $"/api/v1/repos/{Uri.EscapeDataString(parts[0])}/{Uri.EscapeDataString(parts[1])}/issues/{number}/comments";
    }

    private static bool IsWorthRetrying(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commenting on {Repository}#{Number} failed ({Reason}); retrying")]
    private static partial void LogRetrying(ILogger logger, string repository, int number, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up commenting on {Repository}#{Number}: HTTP {Status}")]
    private static partial void LogGaveUp(ILogger logger, string repository, int number, int status);
}
