using System.Net;
using System.Net.Http.Headers;
using BotBottle.Core.State;
using Microsoft.Extensions.Options;

namespace BotBottle.Web.Transcripts;

/// <summary>How the Web reaches the Worker's API (<c>BotBottle:WorkerApi</c>).</summary>
public sealed class WorkerApiOptions
{
    public const string Section = "BotBottle:WorkerApi";

    /// <summary>The Worker's base address; "http://worker" is resolved by Aspire service discovery.</summary>
    public Uri Url { get; set; } = new("http://worker");

    public string Token { get; set; } = "";
}

/// <summary>Fetches transcript archives from the Worker that keeps the bottle's state.</summary>
public sealed class WorkerTranscripts(HttpClient http, IOptions<WorkerApiOptions> options)
{
    /// <summary>The Worker's response, headers read and body not yet; the caller disposes it.</summary>
    public async Task<HttpResponseMessage> GetAsync(string slug, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Value.Url, $"bottles/{slug}/transcript"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.Token);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}

public static class TranscriptDownloads
{
    public static IServiceCollection AddTranscriptDownloads(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WorkerApiOptions>(configuration.GetSection(WorkerApiOptions.Section));
        services.AddHttpClient<WorkerTranscripts>();
        return services;
    }

    /// <summary>
    /// The transcript snapshot of a bottle as .tar.gz: for the dashboard (sign-in cookie) at
    /// <c>/agents/{slug}/transcript</c> and for scripts (API token) at <c>/api/bottles/{slug}/transcript</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapTranscriptDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/agents/{slug}/transcript", DownloadAsync);
        app.MapGet("/api/bottles/{slug}/transcript", DownloadAsync)
            .WithSummary("Download a bottle's transcript snapshot (metadata.json and the harness state) as .tar.gz")
            .Produces(StatusCodes.Status200OK, contentType: "application/gzip")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        return app;
    }

    private static async Task<IResult> DownloadAsync(string slug, HttpContext context, WorkerTranscripts worker)
    {
        if (!Slug.IsValid(slug))
        {
            return Results.Problem($"'{slug}' is not a bottle slug", statusCode: StatusCodes.Status400BadRequest);
        }

        HttpResponseMessage response;
        try
        {
            response = await worker.GetAsync(slug, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            return Results.Problem($"the Worker holding the transcripts did not answer: {ex.Message}", statusCode: StatusCodes.Status502BadGateway);
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return Results.Problem($"no transcript for bottle {slug}", statusCode: StatusCodes.Status404NotFound);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            return Results.Problem($"the Worker refused the transcript request ({status}); check BotBottle:WorkerApi:Token on both", statusCode: StatusCodes.Status502BadGateway);
        }

        context.Response.RegisterForDispose(response);
        return Results.Stream(await response.Content.ReadAsStreamAsync(context.RequestAborted), "application/gzip", $"botbottle-{slug}-transcript.tar.gz");
    }
}
