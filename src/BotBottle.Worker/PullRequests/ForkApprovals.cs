using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;
using BotBottle.Worker.Gitea;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BotBottle.Worker.PullRequests;

/// <summary>Where a PR's head is and whether the agent may run on it.</summary>
/// <param name="HeadSha">The head commit (from the event, else from Gitea); empty when neither says.</param>
public sealed record ForkGate(bool FromFork, bool Approved, string HeadSha, string? HeadRepository, string? CloneUrl)
{
    public bool Waiting => FromFork && !Approved;
}

/// <summary>
/// A PR from a fork runs a stranger's code with the team's credentials, so it runs only on a head
/// commit someone trusted approved: one approved commit per PR, kept in Redis; a push moves the head
/// and the approval no longer matches. Whether a head is a fork's comes from the event, else from
/// Gitea's API; when neither can say, it is treated as a fork's.
/// </summary>
public sealed class ForkApprovals(IConnectionMultiplexer redis, GiteaPullRequests pulls, IOptions<PullRequestOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    public async Task<ForkGate> GateAsync(PrWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var (fromFork, sha, headRepository, cloneUrl) = (work.FromFork, work.HeadSha ?? "", (string?)null, work.CloneUrl);
        if (fromFork is null || sha.Length == 0)
        {
            if (pulls.IsConfigured && await pulls.HeadOfAsync(work.Repository, work.Number, cancellationToken) is { } head)
            {
                fromFork ??= head.FromFork;
                sha = sha.Length > 0 ? sha : head.Sha;
                (headRepository, cloneUrl) = (head.HeadRepository, cloneUrl ?? head.CloneUrl);
            }
        }

        if (!options.Value.ForksNeedApproval || fromFork == false)
        {
            // The repository's own PR runs on what its event says, as it always has.
            return new ForkGate(false, true, work.HeadSha ?? "", null, work.CloneUrl);
        }

        var approved = await redis.GetDatabase().StringGetAsync(PrRedisNames.Approved(work.Key));
        return new ForkGate(true, sha.Length > 0 && approved == sha, sha, headRepository, cloneUrl);
    }

    /// <summary>
    /// Records <paramref name="sha"/> as the PR's approved head; returns the work that was waiting for
    /// approval, if any. The work stays on record until it has run (<see cref="RanAsync"/>): an attempt
    /// that dies before then leaves it for the next.
    /// </summary>
    public async Task<PrAwaitingApproval?> ApproveAsync(string prKey, string sha)
    {
        var db = redis.GetDatabase();
        await db.StringSetAsync(PrRedisNames.Approved(prKey), sha, Retention);
        var waiting = await db.HashGetAsync(PrRedisNames.AwaitingApproval, prKey);
        return waiting.HasValue ? BotBottleJson.Deserialize<PrAwaitingApproval>(waiting!) : null;
    }

    /// <summary>The PR's agent ran on an approved head: nothing waits any more.</summary>
    public Task RanAsync(string prKey) => redis.GetDatabase().HashDeleteAsync(PrRedisNames.AwaitingApproval, prKey);

    /// <summary>
    /// Keeps <paramref name="work"/> until its head is approved. A PR that has not started keeps its
    /// start (with the newest head), so approval starts it with the PR's task; otherwise the newest prompt waits.
    /// </summary>
    public async Task WaitAsync(PrWork work, ForkGate gate, bool started)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(gate);
        var db = redis.GetDatabase();
        var earlier = await db.HashGetAsync(PrRedisNames.AwaitingApproval, work.Key) is { HasValue: true } json
            ? BotBottleJson.Deserialize<PrAwaitingApproval>(json!)
            : null;
        var waiting = !started && earlier?.Work.Kind == PrWorkKind.Start ? earlier.Work : work;
        var entry = new PrAwaitingApproval
        {
            Repository = work.Repository,
            Number = work.Number,
            HeadSha = gate.HeadSha,
            HeadRepository = gate.HeadRepository ?? earlier?.HeadRepository,
            Work = waiting with { HeadSha = gate.HeadSha, CloneUrl = gate.CloneUrl ?? waiting.CloneUrl },
            Since = earlier?.Since ?? clock.GetUtcNow(),
            PullRequestUrl = work.PullRequestUrl ?? earlier?.PullRequestUrl,
        };
        await db.HashSetAsync(PrRedisNames.AwaitingApproval, work.Key, BotBottleJson.Serialize(entry));
    }

    /// <summary>The PR closed: its approval and anything waiting for one go.</summary>
    public async Task ForgetAsync(string prKey)
    {
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync(PrRedisNames.Approved(prKey));
        await db.HashDeleteAsync(PrRedisNames.AwaitingApproval, prKey);
    }
}
