using BotBottle.Core.Backends;
using BotBottle.Core.Bottles;
using BotBottle.Core.Events;
using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Egress;
using BotBottle.Worker.Gitea;
using BotBottle.Worker.Bottles.Workspace;
using BotBottle.Worker.Events;
using BotBottle.Worker.LocalModels;
using BotBottle.Worker.Manifests;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Runs;

/// <summary>
/// The bottle lifecycles behind each job: launch and leave running; run a task to completion;
/// resume a harness session from a bottle's snapshot; tear down.
/// </summary>
public sealed partial class BottleRunner(
    IBottleBackend backend,
    WorkspaceProvisioner workspaces,
    ManifestSource manifests,
    IBottleEvents events,
    BottleDirectory directory,
    LocalModelWiring models,
    GitRemoteBroker gitRemotes,
    BudgetGuard budgets,
    IOptions<BottleOptions> options,
    TimeProvider clock,
    ILogger<BottleRunner> logger)
{
    /// <summary>Prepares and launches a bottle and leaves it running.</summary>
    public async Task<string> LaunchAsync(BottleRequest request, string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bottle = await WireModelAsync(await PrepareAsync(request, jobId, cancellationToken), task: null, jobId);
        // A bottle whose harness cannot reach its model is of no use to the operator who launched it.
        RequireCredential(bottle);
        await RequireBudgetAsync(bottle);
        await StartAsync(bottle, jobId, cancellationToken);
        return bottle.Slug;
    }

    /// <summary>Start, run the harness once, snapshot, tear down (the state directory stays).</summary>
    public async Task<RunOutcome> RunAsync(BottleRequest request, string task, string jobId, Action<string>? slugAllocated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bottle = await PrepareAsync(request, jobId, cancellationToken);
        slugAllocated?.Invoke(bottle.Slug);
        return await RunInBottleAsync(bottle, task, resumeSessionId: null, jobId, cancellationToken);
    }

    /// <summary>Relaunch from the snapshot with the same cwd and continue exactly <paramref name="sessionId"/>.</summary>
    public Task<RunOutcome> ResumeAsync(string slug, string sessionId, string task, string jobId, CancellationToken cancellationToken) =>
        ContinueAsync(slug, SessionIds.RequireWellFormed(sessionId), task, jobId, head: null, cancellationToken);

    /// <summary>
    /// Relaunch an existing bottle from its snapshot and run <paramref name="task"/>: in session
    /// <paramref name="sessionId"/>, or in a fresh one when it is null. With a <paramref name="head"/>
    /// the workspace is first brought to that commit (new commits were pushed to the PR).
    /// </summary>
    public async Task<RunOutcome> ContinueAsync(string slug, string? sessionId, string task, string jobId, GitHead? head, CancellationToken cancellationToken)
    {
        if (sessionId is not null)
        {
            SessionIds.RequireWellFormed(sessionId);
        }

        var bottle = gitRemotes.Apply(RepositoryEgress.Apply(backend.Reopen(slug, manifests.Load()), head?.CloneUrl));
        if (head is not null)
        {
            await workspaces.RefreshAsync(bottle.WorkspaceDirectory, head.CloneUrl, head.Commit, cancellationToken);
        }

        return await RunInBottleAsync(bottle, task, sessionId, jobId, cancellationToken);
    }

    /// <param name="requestedBy">Who asked (recorded in the event), when someone did.</param>
    public async Task TeardownAsync(string slug, bool purge, string jobId, CancellationToken cancellationToken, string? requestedBy = null)
    {
        await backend.TeardownAsync(slug, purge, cancellationToken);
        await directory.RemoveAsync(slug);
        var by = requestedBy is { Length: > 0 } ? $" (stopped by {requestedBy})" : "";
        await PublishAsync(BottleEventKind.Removed, slug, jobId, (purge ? "removed with its state" : "removed; state kept") + by);
    }

    private async Task<PreparedBottle> PrepareAsync(BottleRequest request, string jobId, CancellationToken cancellationToken)
    {
        var manifest = manifests.Load();
        await directory.PublishAgentsAsync(manifest);
        var spec = new BottleSpec(manifest, request.AgentName, request.Workspace is WorkspaceSource.CopiedDirectory, request.UserCwd, request.Identity, request.Label, request.Color, request.Backend);
        _ = spec.Agent; // unknown agents fail here, before anything is created
        var bottle = gitRemotes.Apply(RepositoryEgress.Apply(
            await backend.PrepareAsync(spec, request.Workspace, cancellationToken),
            (request.Workspace as WorkspaceSource.GitClone)?.Repository));
        await PublishAsync(BottleEventKind.Starting, bottle.Slug, jobId, spec.Identity is { Length: > 0 } by ? $"starting {spec.DisplayName} for {by}" : $"starting {spec.DisplayName}", BottleData(bottle));
        return bottle;
    }

    private async Task<string> StartAsync(PreparedBottle bottle, string jobId, CancellationToken cancellationToken)
    {
        var instance = await backend.LaunchAsync(bottle, cancellationToken);
        await directory.UpsertAsync(ActiveAgent.FromMetadata(bottle.Slug, bottle.Metadata, BottleServices.Of(bottle.Agent)));
        await PublishAsync(BottleEventKind.Running, bottle.Slug, jobId, "container started", BottleData(bottle));
        return instance;
    }

    /// <summary>Refused before any container starts when the agent's day's budget is spent (a PR's own budget is its dispatcher's to check).</summary>
    private async Task RequireBudgetAsync(PreparedBottle bottle)
    {
        if (await budgets.RefusalAsync(bottle.Agent, prKey: null) is { } refusal)
        {
            throw new InvalidOperationException(refusal);
        }
    }

    /// <summary>Refused before any container starts: inside, the CLI would only say "Not logged in".</summary>
    private void RequireCredential(PreparedBottle bottle)
    {
        if (HarnessCredentials.Missing(bottle.Agent.Key, bottle.Agent.Harness, Bottles.Docker.BottleContainerSpec.MergedEnvironment(bottle, options.Value)) is { } missing)
        {
            throw new InvalidOperationException(missing);
        }
    }

    private async Task<RunOutcome> RunInBottleAsync(PreparedBottle prepared, string task, string? resumeSessionId, string jobId, CancellationToken cancellationToken)
    {
        var bottle = await WireModelAsync(prepared with { EndsWithRun = true }, task, jobId);
        RequireCredential(bottle);
        await RequireBudgetAsync(bottle);

        var harness = HarnessCatalog.For(bottle.Agent.Harness);
        var command = harness.BuildCommand(
            string.IsNullOrWhiteSpace(task) ? bottle.Agent.Prompt : task,
            resumeSessionId,
            bottle.Agent.Budget.MaxTurns,
            // Always a title: without one OpenCode spends a model request on making one up.
            string.IsNullOrWhiteSpace(bottle.Metadata.Label) ? bottle.Slug : bottle.Metadata.Label);
        var usedBefore = ThreadUsageBaseline.Before(bottle, resumeSessionId);
        string? instance = null;
        try
        {
            instance = await StartAsync(bottle, jobId, cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.RunTimeout);
            ExecOutcome outcome;
            await using (var output = new OutputEventPump((text, data) => PublishAsync(BottleEventKind.Output, bottle.Slug, jobId, text, data), options.Value.Output))
            {
                outcome = await backend.ExecAsync(bottle.Slug, command, output, timeout.Token);
            }

            var result = harness.ParseOutput(outcome.StandardOutput, outcome.ExitCode);
            if (usedBefore is not null && result.Usage is { } sessionUsage)
            {
                // The harness reported the whole session's usage: this run's is what came after.
                result = result with { Usage = sessionUsage.Since(usedBefore) };
            }

            LogRunFinished(logger, bottle.Slug, result.SessionId, result.ExitCode);
            if (BudgetGuard.Overshoot(bottle.Agent, result.CostUsd) is { } overshoot)
            {
                await PublishAsync(BottleEventKind.Output, bottle.Slug, jobId, overshoot);
                result = result with { BudgetNote = overshoot };
            }

            return new RunOutcome(bottle.Slug, result);
        }
        finally
        {
            await SnapshotAndTeardownAsync(bottle.Slug, instance, jobId);
        }
    }

    /// <summary>
    /// Runs even when the job was cancelled: a transcript is the record of what the agent did. The
    /// snapshot and the teardown each get their own time, and neither failure hides the run's result.
    /// Both touch only the instance this run launched: when another Worker took the job over and
    /// relaunched the bottle, its run is left alone.
    /// </summary>
    private async Task SnapshotAndTeardownAsync(string slug, string? instance, string jobId)
    {
        if (instance is not null)
        {
            try
            {
                using var snapshotTime = new CancellationTokenSource(options.Value.SnapshotTimeout);
                await backend.SnapshotInstanceAsync(slug, instance, snapshotTime.Token);
            }
            catch (Exception ex)
            {
                LogSnapshotFailed(logger, slug, ex);
            }
        }

        // The engine may be away for a while (restarting): keep trying for a few minutes, or the
        // run's container, proxy and network would outlive it.
        using var teardownTime = new CancellationTokenSource(options.Value.TeardownPatience);
        for (var delay = TimeSpan.FromSeconds(1); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(15).Ticks)))
        {
            try
            {
                if (instance is null)
                {
                    await backend.TeardownAsync(slug, deleteState: false, teardownTime.Token);
                }
                else if (!await backend.ReleaseInstanceAsync(slug, instance, teardownTime.Token))
                {
                    // Relaunched by the Worker that took this job over: the bottle is up, under that run.
                    return;
                }

                await directory.RemoveAsync(slug);
                await PublishAsync(BottleEventKind.Removed, slug, jobId, "run over; container removed, state kept");
                return;
            }
            catch (BottleNotFoundException)
            {
                return;
            }
            catch (Exception ex) when (!teardownTime.IsCancellationRequested)
            {
                LogTeardownRetrying(logger, slug, ex.Message);
                await Task.Delay(delay, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogTeardownFailed(logger, slug, ex);
                return;
            }
        }
    }

    /// <summary>Agents on a local model get the harness pointed at Ollama, or, for a task too long for it, the remote provider; the choice is published.</summary>
    private async Task<PreparedBottle> WireModelAsync(PreparedBottle bottle, string? task, string jobId)
    {
        var plan = models.Plan(bottle.Agent, task);
        if (plan.Routing is { } routing)
        {
            await PublishAsync(BottleEventKind.Starting, bottle.Slug, jobId, routing.Reason,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["route"] = routing.Target.ToString().ToLowerInvariant() });
        }

        return LocalModelWiring.Apply(bottle, plan);
    }

    private static Dictionary<string, string> BottleData(PreparedBottle bottle) => new(StringComparer.Ordinal)
    {
        ["agent"] = bottle.Agent.Key,
        ["label"] = bottle.Metadata.Label,
        ["color"] = bottle.Metadata.Color,
        ["backend"] = bottle.Metadata.Backend,
        ["startedAt"] = bottle.Metadata.StartedAt,
        ["startedBy"] = bottle.Metadata.Identity,
        ["services"] = string.Join(',', BottleServices.Of(bottle.Agent)),
    };

    private Task PublishAsync(BottleEventKind kind, string? slug, string jobId, string message, IReadOnlyDictionary<string, string>? data = null) =>
        events.PublishAsync(new BottleEvent(kind, slug, jobId, clock.GetUtcNow(), message, data));

    [LoggerMessage(Level = LogLevel.Information, Message = "Bottle {Slug} run finished: session {SessionId}, exit code {ExitCode}")]
    private static partial void LogRunFinished(ILogger logger, string slug, string? sessionId, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bottle {Slug}: teardown after the run failed ({Reason}); retrying")]
    private static partial void LogTeardownRetrying(ILogger logger, string slug, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bottle {Slug}: teardown after the run failed; the container may be left behind")]
    private static partial void LogTeardownFailed(ILogger logger, string slug, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bottle {Slug}: transcript snapshot failed; the previous snapshot is kept")]
    private static partial void LogSnapshotFailed(ILogger logger, string slug, Exception exception);
}
