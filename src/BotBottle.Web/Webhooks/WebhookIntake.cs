using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;
using BotBottle.Queue.Jobs;
using BotBottle.Web.Jobs;

namespace BotBottle.Web.Webhooks;

/// <summary>
/// Records an accepted delivery and queues its work in one atomic step (<see cref="JobQueueClient.AcceptPullRequestAsync"/>),
/// so a delivery is either queued exactly once, in its PR's order, or recognised as a repeat.
/// </summary>
public sealed class WebhookIntake(JobQueueClient queue, JobSubmitter jobs, TimeProvider clock)
{
    public async Task<IntakeResult> AcceptAsync(PrWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var job = new BottleJob
        {
            JobId = BottleJob.NewJobId(),
            Kind = JobKind.PullRequest,
            PullRequest = work,
            RequestedBy = $"webhook:{work.Key}",
            EnqueuedAt = clock.GetUtcNow(),
        };
        var result = await queue.AcceptPullRequestAsync(job);
        if (result == IntakeResult.Queued)
        {
            await jobs.PublishQueuedAsync(job, $"{work.Kind} for {work.Repository}#{work.Number}",
                new Dictionary<string, string>(StringComparer.Ordinal) { ["deliveryId"] = work.DeliveryId, ["pr"] = work.Key });
        }

        return result;
    }
}
