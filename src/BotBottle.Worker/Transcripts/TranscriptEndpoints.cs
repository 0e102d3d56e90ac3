using System.Security.Cryptography;
using System.Text;
using BotBottle.Core.State;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Transcripts;

public static class TranscriptEndpoints
{
    /// <summary>
    /// <c>GET /bottles/{slug}/transcript</c>: the transcript snapshot as .tar.gz, for the Web to hand
    /// to a browser or the CLI. The state directory lives on this Worker's host, hence here.
    /// </summary>
    public static IEndpointRouteBuilder MapTranscripts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/bottles/{slug}/transcript", Download);
        return app;
    }

    private static IResult Download(string slug, HttpContext context, BottleStateStore state, IOptions<WorkerApiOptions> options)
    {
        if (options.Value.Token.Length == 0)
        {
            return Results.Problem("the Worker API has no token configured (BotBottle:WorkerApi:Token)", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (!Presents(context.Request, options.Value.Token))
        {
            return Results.Unauthorized();
        }

        if (!Slug.IsValid(slug) || !Directory.Exists(state.BottleDir(slug)))
        {
            return Results.Problem($"no bottle {slug} on this Worker", statusCode: StatusCodes.Status404NotFound);
        }

        var directory = state.BottleDir(slug);
        return Results.Stream(
            body => TranscriptArchive.WriteAsync(directory, body, context.RequestAborted),
            "application/gzip",
            TranscriptArchive.FileName(slug));
    }

    private static bool Presents(HttpRequest request, string token)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[prefix.Length..]), Encoding.UTF8.GetBytes(token));
    }
}
