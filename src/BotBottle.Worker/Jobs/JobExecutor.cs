using BotBottle.Core.Backends;
using BotBottle.Core.Jobs;
using BotBottle.Worker.PullRequests;
using BotBottle.Worker.Runs;

namespace BotBottle.Worker.Jobs;

/// <summary>Carries out one job with the <see cref="BottleRunner"/>, whatever its kind.</summary>
public sealed class JobExecutor(BottleRunner runner, PrDispatcher pullRequests)
{
    /// <param name="previousSlug">The slug an earlier, interrupted attempt at this job created, if any.</param>
    /// <param name="slugAllocated">Told the slug as soon as it exists, so a later attempt can clean up.</param>
    /// <param name="turn">For a pull-request job, its PR's turn (taken before the job runs).</param>
    public async Task<RunOutcome> ExecuteAsync(BottleJob job, string? previousSlug, Action<string> slugAllocated, PrTurn? turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (previousSlug is not null && job.Kind is JobKind.Run or JobKind.Launch)
        {
            await RemoveLeftoverAsync(previousSlug, job.JobId, cancellationToken);
        }

        switch (job.Kind)
        {
            case JobKind.Launch:
                var slug = await runner.LaunchAsync(Request(job), job.JobId, cancellationToken);
                slugAllocated(slug);
                return new RunOutcome(slug, null);
            case JobKind.Run:
                return await runner.RunAsync(Request(job), job.Task!, job.JobId, slugAllocated, cancellationToken);
            case JobKind.Resume:
                return await runner.ResumeAsync(job.Slug!, job.SessionId!, job.Task!, job.JobId, cancellationToken);
            case JobKind.Teardown:
                await runner.TeardownAsync(job.Slug!, job.Purge, job.JobId, cancellationToken, job.RequestedBy);
                return new RunOutcome(job.Slug!, null);
            case JobKind.PullRequest:
                return await pullRequests.HandleAsync(
                    job.PullRequest!, turn ?? throw new InvalidOperationException("a pull-request job runs only in its PR's turn"),
                    job.JobId, job.EnqueuedAt, previousSlug, slugAllocated, cancellationToken);
            default:
                throw new InvalidOperationException($"unknown job kind {job.Kind}");
        }
    }

    /// <summary>An interrupted attempt may have left a container; it goes, its state directory with it (it never finished).</summary>
    private async Task RemoveLeftoverAsync(string slug, string jobId, CancellationToken cancellationToken)
    {
        try
        {
            await runner.TeardownAsync(slug, purge: true, jobId, cancellationToken);
        }
        catch (BottleNotFoundException)
        {
        }
    }

    private static BottleRequest Request(BottleJob job) => new(
        job.AgentName!,
        job.RepositoryUrl is { Length: > 0 } repository ? WorkspaceSource.GitCloneOf(repository, job.Reference) : WorkspaceSource.Empty,
        Identity: job.RequestedBy,
        Label: job.Label,
        Color: job.Color,
        Backend: job.Backend is { Length: > 0 } name
            ? BackendNames.TryParse(name, out var backend) ? backend : throw new InvalidOperationException($"unknown backend '{name}'; expected one of: {string.Join(", ", BackendNames.All)}")
            : null);
}
