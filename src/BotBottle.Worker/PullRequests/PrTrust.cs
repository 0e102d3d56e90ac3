using BotBottle.Core.PullRequests;
using BotBottle.Worker.Gitea;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.PullRequests;

/// <summary>Whether a PR event may start or steer the agent, and if not, why (for the one comment that says so).</summary>
public sealed record PrTrustDecision(bool Trusted, string Reason)
{
    public static PrTrustDecision Allowed { get; } = new(true, "");
}

/// <summary>
/// Only people the team trusts start or steer an agent: the event's sender needs at least
/// <see cref="PullRequestOptions.MinimumPermission"/> on the repository (asked of Gitea, cached).
/// Closing a PR needs nothing (it only removes). Without a sender or a Gitea API to ask, nothing runs.
/// </summary>
public sealed class PrTrust(GiteaPermissions permissions, IOptions<PullRequestOptions> options)
{
    public async Task<PrTrustDecision> CheckAsync(PrWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var minimum = options.Value.MinimumPermission;
        if (work.Kind == PrWorkKind.CleanUp || minimum == RepositoryAccess.None)
        {
            return PrTrustDecision.Allowed;
        }

        if (work.Sender is not { Length: > 0 } sender)
        {
            return new(false, "the event names no sender, so whether they may drive the agent cannot be checked");
        }

        if (!permissions.IsConfigured)
        {
            return new(false, $"@{sender}'s permission on {work.Repository} cannot be checked: the Worker has no Gitea API (BotBottle:Gitea:BaseUrl and :Token)");
        }

        var permission = await permissions.OfAsync(work.Repository, sender, cancellationToken);
        return permission >= minimum
            ? PrTrustDecision.Allowed
            : new(false, $"@{sender} has {(permission == RepositoryAccess.None ? "no" : permission.ToString().ToLowerInvariant())} access to {work.Repository}; starting or steering the agent takes {minimum.ToString().ToLowerInvariant()} access or more. Someone with that access can mention the bot to ask for the same.");
    }
}
