using BotBottle.Core.Runs;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BotBottle.Core.Api;
using BotBottle.Core.Bottles;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;

namespace BotBottle.Cli.Server;

/// <summary>The stack's REST API, as the CLI uses it; every failure becomes a <see cref="CliException"/> saying what to do.</summary>
public sealed class BotBottleClient(ServerSettings settings) : IDisposable
{
    private static readonly JsonSerializerOptions Json = BotBottleJson.Options;
    private readonly HttpClient _http = new() { BaseAddress = settings.Url, Timeout = TimeSpan.FromSeconds(30) };

    public Task<IReadOnlyList<ActiveAgent>> ListAsync(CancellationToken ct) => GetAsync<IReadOnlyList<ActiveAgent>>("/api/bottles", ct);

    public Task<IReadOnlyList<RunRecord>> RecentAsync(CancellationToken ct) => GetAsync<IReadOnlyList<RunRecord>>("/api/bottles?state=recent", ct);

    public Task<IReadOnlyList<RunRecord>> RunsAsync(string slug, CancellationToken ct) =>
        GetAsync<IReadOnlyList<RunRecord>>($"/api/bottles/{Uri.EscapeDataString(slug)}/runs", ct);

    public Task<IReadOnlyList<UsageRow>> UsageAsync(string? from, string? to, string groupBy, CancellationToken ct) =>
        GetAsync<IReadOnlyList<UsageRow>>($"/api/usage?groupBy={Uri.EscapeDataString(groupBy)}&from={Uri.EscapeDataString(from ?? "")}&to={Uri.EscapeDataString(to ?? "")}", ct);

    public Task<IReadOnlyList<string>> AgentsAsync(CancellationToken ct) => GetAsync<IReadOnlyList<string>>("/api/agents", ct);

    /// <summary>
    /// Queues a launch. The request carries a key of its own and is sent again, with that key, when
    /// the server could not be reached or did not answer: the server queues it at most once.
    /// </summary>
    public async Task<QueuedJob> LaunchAsync(LaunchRequest launch, CancellationToken ct)
    {
        var key = Guid.NewGuid().ToString("N");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendAsync<QueuedJob>(HttpMethod.Post, "/api/bottles", launch, ct, key);
            }
            catch (CliException ex) when (ex.Unanswered && attempt < 3)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
            }
        }
    }

    public Task<QueuedJob> ResumeAsync(string slug, string sessionId, string task, CancellationToken ct) =>
        SendAsync<QueuedJob>(HttpMethod.Post, $"/api/bottles/{Uri.EscapeDataString(slug)}/resume", new ResumeRequest(sessionId, task), ct);

    public Task<QueuedJob> StopAsync(string slug, bool purge, CancellationToken ct) =>
        SendAsync<QueuedJob>(HttpMethod.Delete, $"/api/bottles/{Uri.EscapeDataString(slug)}{(purge ? "?purge=true" : "")}", null, ct);

    public Task<IReadOnlyList<EventEntry>> EventsAsync(string? after, string? slug, string? job, CancellationToken ct) =>
        GetAsync<IReadOnlyList<EventEntry>>($"/api/events?after={Uri.EscapeDataString(after ?? "")}{(slug is null ? "" : $"&slug={Uri.EscapeDataString(slug)}")}{(job is null ? "" : $"&job={Uri.EscapeDataString(job)}")}", ct);

    /// <summary>The job's result once a Worker stored it; null while it is pending.</summary>
    public async Task<JobResult?> JobAsync(string jobId, CancellationToken ct)
    {
        using var response = await SendRawAsync(HttpMethod.Get, $"/api/jobs/{Uri.EscapeDataString(jobId)}", null, ct);
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JobResult>(Json, ct) : null;
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> GetAsync<T>(string path, CancellationToken ct) => await SendAsync<T>(HttpMethod.Get, path, null, ct);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct, string? idempotencyKey = null)
    {
        using var response = await SendRawAsync(method, path, body, ct, idempotencyKey);
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, CancellationToken ct, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (settings.Token.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"cannot reach the BotBottle server at {settings.Url} (from {settings.Source}): {ex.Message}; start the stack (dotnet run --project src/BotBottle.AppHost) or pass --server") { Unanswered = true };
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"the BotBottle server at {settings.Url} (from {settings.Source}) did not answer in time") { Unanswered = true };
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new CliException($"the server at {settings.Url} refused the token; pass --token, set BOTBOTTLE_TOKEN or add \"token\" to {ServerSettings.ConfigPath}"),
                _ => new CliException(await ErrorOf(response, ct)),
            };
        }
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync<ApiError>(Json, ct);
            if (error?.Error is { Length: > 0 } message)
            {
                return error.Known is { Count: > 0 } known ? $"{message}; known agents: {string.Join(", ", known)}" : message;
            }
        }
        catch (JsonException)
        {
        }

        return $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
