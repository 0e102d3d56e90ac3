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
    PrTrust trust,
    ForkApprovals forks,
    BotBottle.Queue.Runs.RunHistory history,
    BudgetGuard budgets,
    Manifests.ManifestSource manifests,
    IOptions<PullRequestOptions> options,
    TimeProvider clock,
    ILogger<PrDispatcher> logger)
{
    private static readonly TimeSpan CommentRetention = TimeSpan.FromDays(30);

    // KEYS: PR lock, the delivery's comment marker. ARGV: lock value. -1 when the turn lapsed, 0
    // when the comment is known to be on the PR, 1 when it is to be posted.
    private const string MayCommentScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
        if redis.call('GET', KEYS[2]) == 'posted' then return 0 end
        return 1
        """;

    /// <param name="turn">The PR's turn, held for this job: every write checks it still holds.</param>
    /// <param name="acceptedAt">When the event was accepted (its job enqueued).</param>
    /// <param name="previousSlug">The slug an interrupted earlier attempt at this job created, if any.</param>
    /// <param name="slugAllocated">Told a new bottle's slug as soon as it exists, so a later attempt can clean up.</param>
    public async Task<RunOutcome> HandleAsync(PrWork work, PrTurn turn, string jobId, DateTimeOffset acceptedAt, string? previousSlug, Action<string> slugAllocated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(turn);
        if (await registry.DoneAsync(work.DeliveryId) is { } done)
        {
            // A reclaimed job whose first attempt recorded its work but died before acknowledging:
            // the agent does not run again; the comment is made sure of.
            var earlier = new RunOutcome(done.Slug, done.Harness);
            await CommentAsync(work, turn, acceptedAt, earlier, cancellationToken);
            return earlier;
        }

        var nothing = new RunOutcome("", null);
        if (work.Kind == PrWorkKind.Approve)
        {
            if (await trust.CheckAsync(work, cancellationToken) is { Trusted: false } notTheirs)
            {
                await RefuseAsync(work, turn, acceptedAt, notTheirs, jobId, cancellationToken);
                return nothing;
            }

            if (await ApproveAsync(work, turn, acceptedAt, jobId, cancellationToken) is not { } approved)
            {
                return nothing;
            }

            work = approved;
        }
        else if (work.Kind != PrWorkKind.CleanUp)
        {
            var gate = await forks.GateAsync(work, cancellationToken);
            // A fork's new code is judged by its approval, not by its author's permission (a forker
            // has none); words about it (mentions, reviews) still need a trusted sender.
            if (!(gate.FromFork && work.NewCode) && await trust.CheckAsync(work, cancellationToken) is { Trusted: false } refusal)
            {
                await RefuseAsync(work, turn, acceptedAt, refusal, jobId, cancellationToken);
                return nothing;
            }

            if (gate.Waiting)
            {
                await WaitForApprovalAsync(work, gate, turn, acceptedAt, jobId, cancellationToken);
                return nothing;
            }

            if (gate.FromFork)
            {
                // Exactly the commit that was approved, wherever the event left it out.
                work = work with { HeadSha = gate.HeadSha, CloneUrl = work.CloneUrl ?? gate.CloneUrl };
            }
        }
        else
        {
            await forks.ForgetAsync(work.Key);
        }

        var session = await registry.GetAsync(work.Key);
        if (previousSlug is not null && previousSlug != session?.Slug)
        {
            await RemoveUnrecordedBottleAsync(previousSlug, jobId, cancellationToken);
        }

        if (work.Kind != PrWorkKind.CleanUp
            && manifests.Load().Find(session?.Agent ?? work.Agent ?? options.Value.Agent) is { } agent
            && await budgets.RefusalAsync(agent, work.Key) is { } overBudget)
        {
            await RefuseAsync(work, turn, acceptedAt, new PrTrustDecision(false, overBudget), jobId, cancellationToken, once: $"budget:{session?.Turns ?? 0}");
            return nothing;
        }

        var (outcome, change, written) = (work.Kind, session) switch
        {
            (PrWorkKind.CleanUp, _) => await CleanUpAsync(work, session, jobId, cancellationToken),
            (_, null) => await StartAsync(work, jobId, slugAllocated, cancellationToken),
            (_, { } existing) => await ContinueAsync(work, existing, jobId, cancellationToken),
        };

        // The registry change and the done marker land together, and only while this turn holds the PR.
        await registry.RecordAsync(turn, change, written, work.DeliveryId, new PrDone(jobId, outcome.Slug, outcome.Harness, turn.Fence));
        if (work.Kind != PrWorkKind.CleanUp)
        {
            // Whatever waited for an approval of this head has run now (or been superseded by this event).
            await forks.RanAsync(work.Key);
        }

        await CommentAsync(work, turn, acceptedAt, outcome, cancellationToken);
        return outcome;
    }

    /// <summary>
    /// Nothing runs for a sender below the minimum permission; the PR is told why, once per person
    /// (a stranger repeating the mention does not get the bot to repeat itself).
    /// </summary>
    /// <param name="once">What the comment is said once for: the sender by default (a budget refusal passes its own).</param>
    private async Task RefuseAsync(PrWork work, PrTurn turn, DateTimeOffset acceptedAt, PrTrustDecision refusal, string jobId, CancellationToken cancellationToken, string? once = null)
    {
        LogRefused(logger, work.Key, work.Sender ?? "(no sender)", refusal.Reason);
        await registry.RecordAsync(turn, RegistryChange.Keep, null, work.DeliveryId, new PrDone(jobId, "", null, turn.Fence));
        once = $"botbottle:pr:refused:{work.Key}:{once ?? (work.Sender ?? "").ToLowerInvariant()}";
        if (gitea.IsConfigured && await redis.GetDatabase().StringSetAsync(once, work.DeliveryId, CommentRetention, When.NotExists))
        {
            await gitea.PostOnceAsync(work.Repository, work.Number, work.DeliveryId, $"Not run: {refusal.Reason}", acceptedAt, cancellationToken);
        }
    }

    /// <summary>
    /// A fork's head nobody approved: the work waits, and the PR is told how to approve, once per head commit.
    /// </summary>
    private async Task WaitForApprovalAsync(PrWork work, ForkGate gate, PrTurn turn, DateTimeOffset acceptedAt, string jobId, CancellationToken cancellationToken)
    {
        var started = await registry.GetAsync(work.Key) is not null;
        await forks.WaitAsync(work, gate, started);
        await registry.RecordAsync(turn, RegistryChange.Keep, null, work.DeliveryId, new PrDone(jobId, "", null, turn.Fence));
        LogAwaitingApproval(logger, work.Key, gate.HeadSha, gate.HeadRepository ?? "(unknown)");
        var once = $"botbottle:pr:approval-asked:{work.Key}:{gate.HeadSha}";
        if (gitea.IsConfigured && await redis.GetDatabase().StringSetAsync(once, work.DeliveryId, CommentRetention, When.NotExists))
        {
            var commit = gate.HeadSha.Length > 0 ? $"commit `{gate.HeadSha[..Math.Min(12, gate.HeadSha.Length)]}`" : "its head";
            var from = gate.HeadRepository is { } fork ? $" ({fork})" : "";
            var how = work.HowToApprove ?? "comment `@<bot> approve`";
            var body = $"Waiting for approval: this pull request comes from a fork{from}, and the agent runs a fork's code only on a commit " +
                $"that someone with {options.Value.MinimumPermission.ToString().ToLowerInvariant()} access has approved. " +
                $"To let it run on {commit}, {how}. A later push needs approval again.";
            await gitea.PostOnceAsync(work.Repository, work.Number, work.DeliveryId, body, acceptedAt, cancellationToken);
        }
    }

    /// <summary>
    /// A trusted approval of a fork's head: the head it names (else the PR's current one) is recorded
    /// as approved, and the work that waited for it is returned to run now, under this delivery.
    /// Null when nothing is to run (not a fork's PR, or nothing was waiting); the PR is told.
    /// </summary>
    private async Task<PrWork?> ApproveAsync(PrWork work, PrTurn turn, DateTimeOffset acceptedAt, string jobId, CancellationToken cancellationToken)
    {
        var gate = await forks.GateAsync(work, cancellationToken);
        string? answer = null;
        PrWork? toRun = null;
        if (!gate.FromFork)
        {
            answer = "Nothing to approve: this pull request's head is in the repository itself, and its agent needs no approval.";
        }
        else if (gate.HeadSha.Length == 0)
        {
            answer = "Not approved: which commit is this pull request's head could not be found out (neither the event nor Gitea's API said).";
        }
        else if (work.HeadSha is null && work.ApprovedCommit is null)
        {
            // This Gitea's comment events do not say which commit the approver saw; the head may have
            // moved since. Only a named commit that is still the head is approved.
            answer = $"Not approved: this Gitea's comment events do not say which commit you looked at. Comment `@<bot> approve {gate.HeadSha[..Math.Min(12, gate.HeadSha.Length)]}` (the commit you reviewed) to approve it.";
        }
        else if (work.ApprovedCommit is { } named && !gate.HeadSha.StartsWith(named, StringComparison.OrdinalIgnoreCase))
        {
            answer = $"Not approved: the head is now `{gate.HeadSha[..Math.Min(12, gate.HeadSha.Length)]}`, not `{named}`; look at the new commits and approve that head.";
        }
        else
        {
            var waiting = await forks.ApproveAsync(work.Key, gate.HeadSha);
            LogApproved(logger, work.Key, gate.HeadSha, work.Sender ?? "(no sender)");
            toRun = waiting?.Work is { } parked
                ? parked with { DeliveryId = work.DeliveryId, EventKey = work.EventKey, HeadSha = gate.HeadSha, CloneUrl = gate.CloneUrl ?? parked.CloneUrl }
                : null;
            answer = toRun is null ? $"Approved commit `{gate.HeadSha[..Math.Min(12, gate.HeadSha.Length)]}`: the agent runs on it at the next event." : null;
        }

        if (answer is not null)
        {
            await registry.RecordAsync(turn, RegistryChange.Keep, null, work.DeliveryId, new PrDone(jobId, "", null, turn.Fence));
            if (gitea.IsConfigured)
            {
                await gitea.PostOnceAsync(work.Repository, work.Number, work.DeliveryId, answer, acceptedAt, cancellationToken);
            }
        }

        return toRun;
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

    private async Task<(RunOutcome, RegistryChange, PrSession?)> StartAsync(PrWork work, string jobId, Action<string> slugAllocated, CancellationToken cancellationToken)
    {
        var workspace = work.CloneUrl is { Length: > 0 } clone ? WorkspaceSource.GitCloneOf(clone, work.HeadSha ?? work.HeadRef) : WorkspaceSource.Empty;
        var request = new BottleRequest(work.Agent ?? options.Value.Agent, workspace, Identity: $"webhook:{work.Key}", Label: LabelFor(work));
        var outcome = await runner.RunAsync(request, work.Prompt, jobId, slugAllocated, cancellationToken);
        return Recorded(work, outcome, previous: null, rotated: false);
    }

    private async Task<(RunOutcome, RegistryChange, PrSession?)> ContinueAsync(PrWork work, PrSession session, string jobId, CancellationToken cancellationToken)
    {
        if (session.Turns < options.Value.RotateAfterTurns)
        {
            var resumed = await runner.ContinueAsync(session.Slug, session.SessionId, work.Prompt, jobId, HeadOf(work), cancellationToken);
            return Recorded(work, resumed, session, rotated: false);
        }

        // The session has grown long: ask it for a summary, then start a fresh one seeded with it.
        var summary = await runner.ContinueAsync(session.Slug, session.SessionId, RotationSummaryPrompt, jobId, HeadOf(work), cancellationToken);
        var seeded = $"You are continuing work on {work.Repository}#{work.Number}. Summary of the work so far:\n\n{summary.Harness?.ResultText}\n\n---\n\n{work.Prompt}";
        var fresh = await runner.ContinueAsync(session.Slug, sessionId: null, seeded, jobId, head: null, cancellationToken);
        LogRotated(logger, work.Key, session.SessionId, fresh.Harness?.SessionId);
        // The turn cost both runs: the summary's usage counts towards the PR's totals and budget too.
        return Recorded(work, fresh with { Harness = WithUsageOf(fresh.Harness, summary.Harness) }, session, rotated: true);
    }

    private async Task<(RunOutcome, RegistryChange, PrSession?)> CleanUpAsync(PrWork work, PrSession? session, string jobId, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            return (new RunOutcome("", null), RegistryChange.Keep, null);
        }

        try
        {
            await runner.TeardownAsync(session.Slug, purge: false, jobId, cancellationToken);
        }
        catch (BottleNotFoundException)
        {
            // Runs tear their container down already; the state directory stays as the record.
        }

        return (new RunOutcome(session.Slug, null), RegistryChange.Remove, null);
    }

    /// <summary>The registry entry a run leads to: without a session id there is nothing to resume, and the previous entry (if any) stays.</summary>
    private (RunOutcome, RegistryChange, PrSession?) Recorded(PrWork work, RunOutcome outcome, PrSession? previous, bool rotated)
    {
        if (outcome.Harness?.SessionId is not { } sessionId)
        {
            return (outcome, RegistryChange.Keep, null);
        }

        return (outcome, RegistryChange.Set, new PrSession
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

    /// <summary>
    /// The agent's answer on the PR, once per delivery. Only the PR's turn posts, so two attempts
    /// never post at once; each post first looks for the delivery's marker among the PR's comments,
    /// so one whose answer was lost (or whose Worker died after it) is not posted again.
    /// </summary>
    private async Task CommentAsync(PrWork work, PrTurn turn, DateTimeOffset acceptedAt, RunOutcome outcome, CancellationToken cancellationToken)
    {
        if (!gitea.IsConfigured || outcome.Harness is not { } result)
        {
            return;
        }

        var db = redis.GetDatabase();
        var may = (long)await db.ScriptEvaluateAsync(MayCommentScript, [PrRedisNames.Lock(turn.PrKey), PrRedisNames.Commented(work.DeliveryId)], [turn.LockValue]);
        if (may == -1)
        {
            throw new PrTurnLostException(turn.PrKey, turn.Fence);
        }

        if (may == 0)
        {
            return;
        }

        var body = (result.Succeeded ? result.ResultText : $"The agent could not finish (exit code {result.ExitCode}):\n\n{result.ResultText}")
            + await FooterAsync(work, result);
        if (await gitea.PostOnceAsync(work.Repository, work.Number, work.DeliveryId, body, acceptedAt, cancellationToken))
        {
            await db.StringSetAsync(PrRedisNames.Commented(work.DeliveryId), "posted", CommentRetention);
        }
    }

    /// <summary>
    /// "turn 3 · 41.2k tokens · $0.42 this turn · $1.37 this PR": this turn's usage and the PR's
    /// total so far (its earlier runs, as recorded, and this one, recorded when its job completes).
    /// </summary>
    private async Task<string> FooterAsync(PrWork work, HarnessResult result)
    {
        var turn = (await registry.GetAsync(work.Key))?.Turns;
        var earlier = await history.OfPullRequestAsync(work.Key);
        var parts = new List<string>();
        if (turn is { } number)
        {
            parts.Add($"turn {number}");
        }

        parts.Add(Core.Runs.UsageReport.Tokens(result.Usage?.Total ?? 0));
        if (result.CostUsd is { } cost)
        {
            parts.Add($"{Core.Runs.UsageReport.Cost(cost)} this turn");
            parts.Add($"{Core.Runs.UsageReport.Cost(cost + earlier.Sum(r => r.CostUsd ?? 0))} this PR");
        }

        return "\n\n---\n" + string.Join(" · ", parts);
    }

    private static HarnessResult? WithUsageOf(HarnessResult? result, HarnessResult? earlier)
    {
        if (result is null || earlier is null)
        {
            return result;
        }

        var (a, b) = (result.Usage, earlier.Usage);
        return result with
        {
            CostUsd = result.CostUsd is null && earlier.CostUsd is null ? null : (result.CostUsd ?? 0) + (earlier.CostUsd ?? 0),
            Usage = a is null || b is null ? a ?? b : a.Plus(b),
        };
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "PR {PrKey}: event from {Sender} not run: {Reason}")]
    private static partial void LogRefused(ILogger logger, string prKey, string sender, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "PR {PrKey}: head {HeadSha} of a fork ({HeadRepository}) waits for approval")]
    private static partial void LogAwaitingApproval(ILogger logger, string prKey, string headSha, string headRepository);

    [LoggerMessage(Level = LogLevel.Information, Message = "PR {PrKey}: head {HeadSha} approved by {Sender}")]
    private static partial void LogApproved(ILogger logger, string prKey, string headSha, string sender);

    [LoggerMessage(Level = LogLevel.Information, Message = "PR {PrKey}: session {OldSession} rotated to {NewSession}")]
    private static partial void LogRotated(ILogger logger, string prKey, string oldSession, string? newSession);
}
