using System.Text;
using BotBottle.Core.Backends;
using BotBottle.Core.Harnesses;
using BotBottle.Core.Labels;
using BotBottle.Core.PullRequests;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Gitea;
using BotBottle.Worker.Runs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BotBottle.Worker.PullRequests;

/// <summary>
/// Does what a pull-request event asks, one event per PR at a time: the first run creates the PR's
/// bottle and session; later events resume exactly that session (<c>--resume</c>, never
/// <c>--continue</c>); closing the PR removes the bottle and the registry entry. Results go back
/// to the PR as a comment, once per delivery.
/// </summary>
public sealed partial class PrDispatcher(
    IConnectionMultiplexer redis,
    BottleRunner runner,
    PrSessionRegistry registry,
    GiteaCommentClient gitea,
    IOptions<PullRequestOptions> options,
    TimeProvider clock,
    ILogger<PrDispatcher> logger)
{
    private static readonly TimeSpan DoneRetention = TimeSpan.FromDays(30);

    /// <param name="previousSlug">The slug an interrupted earlier attempt at this job created, if any.</param>
    /// <param name="slugAllocated">Told a new bottle's slug as soon as it exists, so a later attempt can clean up.</param>
    public async Task<RunOutcome> HandleAsync(PrWork work, string jobId, string? previousSlug, Action<string> slugAllocated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var db = redis.GetDatabase();
        await using var prLock = await PrLock.AcquireAsync(db, PrRedisNames.Lock(work.Key), options.Value.LockExpiry, options.Value.LockWait, cancellationToken);
        if (await db.KeyExistsAsync(PrRedisNames.Done(work.DeliveryId)))
        {
            // A reclaimed job whose first attempt finished everything but the acknowledgement.
            var known = await registry.GetAsync(work.Key);
            return new RunOutcome(known?.Slug ?? "", null);
        }

        var session = await registry.GetAsync(work.Key);
        if (previousSlug is not null && previousSlug != session?.Slug)
        {
            await RemoveUnrecordedBottleAsync(previousSlug, jobId, cancellationToken);
        }

        var outcome = (work.Kind, session) switch
        {
            (PrWorkKind.CleanUp, _) => await CleanUpAsync(work, session, jobId, cancellationToken),
            (_, null) => await StartAsync(work, jobId, slugAllocated, cancellationToken),
            (_, { } existing) => await ContinueAsync(work, existing, jobId, cancellationToken),
        };

        if (outcome.Harness is { } result)
        {
            await CommentAsync(work, result, cancellationToken);
        }

        await db.StringSetAsync(PrRedisNames.Done(work.DeliveryId), jobId, DoneRetention);
        return outcome;
    }

    /// <summary>A first run that was interrupted before the registry knew its bottle: nothing refers to it, it goes.</summary>
    private async Task RemoveUnrecordedBottleAsync(string slug, string jobId, CancellationToken cancellationToken)
    {
        try
        {
            await runner.TeardownAsync(slug, purge: true, jobId, cancellationToken);
        }
        catch (BottleNotFoundException)
        {
        }
    }

    private async Task<RunOutcome> StartAsync(PrWork work, string jobId, Action<string> slugAllocated, CancellationToken cancellationToken)
    {
        var workspace = work.CloneUrl is { Length: > 0 } clone ? WorkspaceSource.GitCloneOf(clone, work.HeadSha ?? work.HeadRef) : WorkspaceSource.Empty;
        var request = new BottleRequest(work.Agent ?? options.Value.Agent, workspace, Identity: $"webhook:{work.Key}", Label: LabelFor(work));
        var outcome = await runner.RunAsync(request, work.Prompt, jobId, slugAllocated, cancellationToken);
        await RecordAsync(work, outcome, previous: null, rotated: false);
        return outcome;
    }

    private async Task<RunOutcome> ContinueAsync(PrWork work, PrSession session, string jobId, CancellationToken cancellationToken)
    {
        if (session.Turns < options.Value.RotateAfterTurns)
        {
            var resumed = await runner.ContinueAsync(session.Slug, session.SessionId, work.Prompt, jobId, HeadOf(work), cancellationToken);
            await RecordAsync(work, resumed, session, rotated: false);
            return resumed;
        }

        // The session has grown long: ask it for a summary, then start a fresh one seeded with it.
        var summary = await runner.ContinueAsync(session.Slug, session.SessionId, RotationSummaryPrompt, jobId, HeadOf(work), cancellationToken);
        var seeded = $"You are continuing work on {work.Repository}#{work.Number}. Summary of the work so far:\n\n{summary.Harness?.ResultText}\n\n---\n\n{work.Prompt}";
        var fresh = await runner.ContinueAsync(session.Slug, sessionId: null, seeded, jobId, head: null, cancellationToken);
        LogRotated(logger, work.Key, session.SessionId, fresh.Harness?.SessionId);
        await RecordAsync(work, fresh, session, rotated: true);
        return fresh;
    }

    private async Task<RunOutcome> CleanUpAsync(PrWork work, PrSession? session, string jobId, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            return new RunOutcome("", null);
        }

        try
        {
            await runner.TeardownAsync(session.Slug, purge: false, jobId, cancellationToken);
        }
        catch (BottleNotFoundException)
        {
            // Runs tear their container down already; the state directory stays as the record.
        }

        await registry.RemoveAsync(work.Key);
        return new RunOutcome(session.Slug, null);
    }

    private async Task RecordAsync(PrWork work, RunOutcome outcome, PrSession? previous, bool rotated)
    {
        var sessionId = outcome.Harness?.SessionId;
        if (sessionId is null)
        {
            // Without a session id there is nothing to resume; the previous entry (if any) stays.
            return;
        }

        await registry.SetAsync(new PrSession
        {
            Repository = work.Repository,
            Number = work.Number,
            Slug = outcome.Slug,
            SessionId = sessionId,
            Agent = previous?.Agent ?? work.Agent ?? options.Value.Agent,
            Cwd = AgentPaths.Workspace,
            Turns = previous is null || rotated ? 1 : previous.Turns + 1,
            Rotations = (previous?.Rotations ?? 0) + (rotated ? 1 : 0),
            LastDelivery = work.DeliveryId,
            LastEvent = work.EventKey,
            PullRequestUrl = work.PullRequestUrl ?? previous?.PullRequestUrl,
            UpdatedAt = clock.GetUtcNow(),
        });
    }

    private async Task CommentAsync(PrWork work, HarnessResult result, CancellationToken cancellationToken)
    {
        if (!gitea.IsConfigured)
        {
            return;
        }

        var db = redis.GetDatabase();
        if (!await db.StringSetAsync(PrRedisNames.Commented(work.DeliveryId), "1", DoneRetention, When.NotExists))
        {
            return;
        }

        var body = result.Succeeded ? result.ResultText : $"The agent could not finish (exit code {result.ExitCode}):\n\n{result.ResultText}";
        var posted = false;
        try
        {
            posted = await gitea.PostOnceAsync(work.Repository, work.Number, work.DeliveryId, body, cancellationToken);
        }
        finally
        {
            if (!posted)
            {
                // Not posted: free the claim so a retry of this job may try again (the marker check prevents doubles).
                await db.KeyDeleteAsync(PrRedisNames.Commented(work.DeliveryId));
            }
        }
    }

    /// <summary>The PR head to check out, when the event names both the commit and where to fetch it.</summary>
    private static GitHead? HeadOf(PrWork work) =>
        work is { CloneUrl: { Length: > 0 } clone, HeadSha: { Length: > 0 } sha } ? new GitHead(clone, sha) : null;

    private static string LabelFor(PrWork work)
    {
        var label = $"{work.Repository}#{work.Number}";
        return Encoding.UTF8.GetByteCount(label) <= LabelRules.MaxBytes ? label : $"PR #{work.Number}";
    }

    private const string RotationSummaryPrompt =
        "Summarise this pull request conversation for a colleague who takes over: the task, what you found, what you changed, what is still open. Be complete but brief.";

    [LoggerMessage(Level = LogLevel.Information, Message = "PR {PrKey}: session {OldSession} rotated to {NewSession}")]
    private static partial void LogRotated(ILogger logger, string prKey, string oldSession, string? newSession);
}
