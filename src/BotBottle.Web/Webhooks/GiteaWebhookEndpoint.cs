using System.Buffers;
using BotBottle.Core.PullRequests;
using BotBottle.Core.Webhooks;
using BotBottle.Queue.Jobs;
using Microsoft.Extensions.Options;

namespace BotBottle.Web.Webhooks;

/// <summary>
/// <c>POST /webhooks/gitea</c>. Verifies the signature on the raw bytes before anything else, then
/// only parses, records and queues: Gitea waits five seconds at most, the agent runs for minutes.
/// </summary>
public static partial class GiteaWebhookEndpoint
{
    public const string Path = "/webhooks/gitea";

    public static IEndpointRouteBuilder MapGiteaWebhook(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, HandleAsync).AllowAnonymous().DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, IOptions<GiteaWebhookOptions> options, WebhookIntake intake, ILoggerFactory loggers)
    {
        var settings = options.Value;
        var logger = loggers.CreateLogger(typeof(GiteaWebhookEndpoint));
        if (string.IsNullOrEmpty(settings.Secret))
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "no webhook secret is configured (BotBottle:Webhooks:Gitea:Secret); every delivery is refused");
        }

        var body = await ReadBodyAsync(context.Request, settings.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, $"the delivery is larger than {settings.MaxBodyBytes} bytes");
        }

        var headers = context.Request.Headers;
        if (!WebhookSignature.IsValid(body, settings.Secret, headers[WebhookSignature.GiteaHeader], headers[WebhookSignature.HubHeader]))
        {
            LogBadSignature(logger, Printable(headers["X-Gitea-Delivery"].ToString()));
            return Problem(StatusCodes.Status401Unauthorized, "missing or invalid signature");
        }

        string deliveryId = headers["X-Gitea-Delivery"].ToString();
        if (deliveryId.Length is 0 or > 200)
        {
            return Problem(StatusCodes.Status400BadRequest, "the X-Gitea-Delivery header is missing");
        }

        var parsed = GiteaEventParser.Parse(headers["X-Gitea-Event"], headers["X-Gitea-Event-Type"], body);
        if (!parsed.Succeeded)
        {
            return Problem(StatusCodes.Status400BadRequest, parsed.Error.Message);
        }

        var action = PrActionMapper.Map(parsed.Event, Policy(settings));
        if (ToWork(action, deliveryId) is not { } work)
        {
            var reason = ((Ignore)action).Reason;
            LogIgnored(logger, deliveryId, reason);
            return Results.Ok(new WebhookAnswer("ignored", deliveryId, reason));
        }

        work = work with { HowToApprove = HowToApprove(Policy(settings)) };
        return await intake.AcceptAsync(work) switch
        {
            IntakeResult.Queued => Results.Accepted(value: new WebhookAnswer("queued", deliveryId, $"{work.Kind} for {work.Repository}#{work.Number}")),
            IntakeResult.DuplicateDelivery => Results.Ok(new WebhookAnswer("ignored", deliveryId, "duplicate delivery: this delivery id was already accepted")),
            _ => Results.Ok(new WebhookAnswer("ignored", deliveryId, $"duplicate event: {work.EventKey} was already accepted under another delivery")),
        };
    }

    /// <summary>The body, or null when it is larger than <paramref name="limit"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 64 * 1024));
        try
        {
            using var body = new MemoryStream();
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                body.Write(buffer, 0, read);
                if (body.Length > limit)
                {
                    return null;
                }
            }

            return body.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static WebhookPolicy Policy(GiteaWebhookOptions settings) => new()
    {
        BotLogin = settings.BotLogin,
        Repositories = settings.Repositories,
        AgentName = settings.Agent,
        ApprovalLabel = settings.ApprovalLabel,
    };

    private static string HowToApprove(WebhookPolicy policy) =>
        $"comment `{policy.Mention} {WebhookPolicy.ApproveCommand}`" + (policy.ApprovalLabel.Length > 0 ? $" or add the label `{policy.ApprovalLabel}`" : "");

    private static PrWork? ToWork(PrAction action, string deliveryId) => action switch
    {
        StartAgent start => Work(PrWorkKind.Start, start.Pr, start, deliveryId) with
        {
            Agent = start.AgentName,
            Prompt = start.Task,
            CloneUrl = start.CloneUrl,
            HeadRef = start.HeadRef,
            HeadSha = start.HeadSha,
            NewCode = true,
        },
        ResumeAgent resume => Work(PrWorkKind.Resume, resume.Pr, resume, deliveryId) with
        {
            Prompt = resume.Prompt,
            CloneUrl = resume.CloneUrl,
            HeadSha = resume.HeadSha,
            NewCode = resume.NewCode,
        },
        ApproveHead approve => Work(PrWorkKind.Approve, approve.Pr, approve, deliveryId) with
        {
            Prompt = $"approved by @{approve.Sender} with a {approve.Via}",
            ApprovedCommit = approve.ShaPrefix,
            CloneUrl = approve.CloneUrl,
            HeadSha = approve.HeadSha,
        },
        CleanUp cleanUp => Work(PrWorkKind.CleanUp, cleanUp.Pr, cleanUp, deliveryId) with { FromFork = null },
        _ => null,
    };

    /// <summary>What every kind of work carries: the PR, the delivery, the event, who caused it and whether the head is a fork's.</summary>
    private static PrWork Work(PrWorkKind kind, PrKey pr, PrAction action, string deliveryId) => new()
    {
        Kind = kind,
        Repository = pr.Repository,
        Number = pr.Number,
        DeliveryId = deliveryId,
        EventKey = action.EventKey,
        Sender = action.Sender,
        FromFork = action.FromFork,
    };

    /// <summary>An unauthenticated header, made safe to log: printable ASCII only, at most 64 characters.</summary>
    private static string Printable(string value) =>
        new([.. value.Take(64).Select(c => c is >= ' ' and <= '~' ? c : '?')]);

    private static IResult Problem(int status, string detail) =>
        Results.Json(new WebhookAnswer("refused", null, detail), statusCode: status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gitea delivery {DeliveryId} refused: missing or invalid signature")]
    private static partial void LogBadSignature(ILogger logger, string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gitea delivery {DeliveryId} ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string deliveryId, string reason);
}

/// <summary>What the endpoint says to Gitea (visible in its delivery log).</summary>
public sealed record WebhookAnswer(string Status, string? DeliveryId, string Detail);
