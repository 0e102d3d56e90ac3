using BotBottle.Core.Backends;
using BotBottle.Core.Egress;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Gitea;

/// <summary>
/// Gives a PR's bottle git access to its repository without the token: when the bottle's repository
/// is on the configured Gitea, the bottle's sidecar gets the bot's credentials for that repository
/// only (<see cref="GitRemote"/>); the bottle gets nothing but the sidecar's address.
/// </summary>
public sealed class GitRemoteBroker(IOptions<GiteaOptions> options)
{
    public PreparedBottle Apply(PreparedBottle bottle)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        var gitea = options.Value;
        if (!gitea.IsConfigured || GitRemote.RouteFor(bottle.RepositoryUrl, gitea.BaseUrl!) is not { } route)
        {
            return bottle;
        }

        return bottle with { GitCredential = GitRemote.Broker(route, gitea.Login, gitea.Token.Trim()) };
    }
}
