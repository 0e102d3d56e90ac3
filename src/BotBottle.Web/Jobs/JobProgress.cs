using System.Runtime.CompilerServices;
using BotBottle.Core.Events;
using BotBottle.Queue.Events;

namespace BotBottle.Web.Jobs;

/// <summary>How far a job got, as the launch notice shows it.</summary>
public enum JobStage
{
    Queued,
    Starting,
    Running,
    Finished,
    Failed,
}

/// <param name="Slug">The bottle the job made, once one exists.</param>
/// <param name="Message">The Worker's words for the step (for a failure, its reason).</param>
public sealed record JobStatus(JobStage Stage, string? Slug, string Message)
{
    public bool IsOver => Stage is JobStage.Finished or JobStage.Failed;
}

/// <summary>
/// Follows one job through its events (the per-job index of the event log, read by cursor): each
/// change of stage once, until it finished or failed. A notice that says "Launching" for ever is
/// what this replaces.
/// </summary>
public sealed class JobProgress(EventLog events)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public async IAsyncEnumerable<JobStatus> FollowAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        string? cursor = null;
        string? slug = null;
        var stage = JobStage.Queued;
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var entry in await events.ReadAsync(cursor, slug: null, job: jobId, EventLog.MaxPage))
            {
                cursor = entry.Id;
                var e = entry.Event;
                slug = e.Slug is { Length: > 0 } known ? known : slug;
                // Each stage once; a finish or failure ends the loop below, so it never repeats.
                if (StageOf(e) is not { } next || next == stage)
                {
                    continue;
                }

                stage = next;
                var status = new JobStatus(next, slug, e.Message);
                yield return status;
                if (status.IsOver)
                {
                    yield break;
                }
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static JobStage? StageOf(BottleEvent e) => e.Kind switch
    {
        BottleEventKind.Starting => JobStage.Starting,
        BottleEventKind.Running => JobStage.Running,
        BottleEventKind.Finished => JobStage.Finished,
        // A superseded attempt's failure is not the job's: another Worker carries on.
        BottleEventKind.Failed when e.Data?.GetValueOrDefault("outcome") == "superseded" => null,
        BottleEventKind.Failed => JobStage.Failed,
        _ => null,
    };
}
