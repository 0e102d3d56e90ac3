using System.Text;
using System.Text.RegularExpressions;

namespace BotBottle.Core.Egress;

/// <summary>
/// A PR's repository as a bottle's egress sidecar reaches it for the bottle: the Git host's origin
/// (scheme, host, port and base path, ending in '/') and the repository's path on that host
/// ("/acme/widgets", or "/gitea/acme/widgets" under a base path), no ".git". Holds no secret.
/// </summary>
public sealed record GitRemoteRoute(Uri Origin, string RepositoryPath);

/// <summary>The Git host's token for one repository, as the sidecar sends it (<c>Authorization: Basic</c>); the bottle never holds it.</summary>
public sealed record BrokeredGitCredential(GitRemoteRoute Route, string Authorization)
{
    /// <summary>Never the value: records print every member, and this one is a secret.</summary>
    public override string ToString() => $"git credential for {Route.Origin}{Route.RepositoryPath.TrimStart('/')}";
}

/// <summary>
/// Git over HTTPS to the PR's repository without the token in the bottle: git in the bottle is told
/// (by <c>GIT_CONFIG_*</c> variables, url.&lt;sidecar&gt;.insteadOf) to reach the Git host through the
/// sidecar's Git port, where Squid, a reverse proxy to that host only and to that repository only,
/// drops any credential the bottle sent and adds the bot's.
/// </summary>
public static partial class GitRemote
{
    /// <summary>
    /// The route for <paramref name="cloneUrl"/> when it is a repository ("owner/name", optionally ".git")
    /// on the Git host at <paramref name="hostBase"/> (same scheme, host, port and base path); null otherwise.
    /// </summary>
    public static GitRemoteRoute? RouteFor(string? cloneUrl, Uri hostBase)
    {
        ArgumentNullException.ThrowIfNull(hostBase);
        if (!Uri.TryCreate(cloneUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Query.Length > 0 || url.Fragment.Length > 0
            || !string.Equals(url.GetLeftPart(UriPartial.Authority), hostBase.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var basePath = hostBase.AbsolutePath.TrimEnd('/');
        var path = url.AbsolutePath;
        if (!path.StartsWith(basePath + "/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = path[(basePath.Length + 1)..].TrimEnd('/');
        if (rest.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest[..^4];
        }

        var parts = rest.Split('/');
        if (parts.Length != 2 || !parts.All(part => NamePattern().IsMatch(part) && part is not ("." or "..")))
        {
            return null;
        }

        return new GitRemoteRoute(new Uri(hostBase.GetLeftPart(UriPartial.Authority) + basePath + "/"), $"{basePath}/{parts[0]}/{parts[1]}");
    }

    /// <summary>The credential the sidecar adds: HTTP Basic with the bot's login and its token, as Gitea and Forgejo take tokens over Git.</summary>
    /// <exception cref="InvalidOperationException">The login or token holds characters an HTTP header cannot carry.</exception>
    public static BrokeredGitCredential Broker(GitRemoteRoute route, string login, string token)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(login);
        ArgumentNullException.ThrowIfNull(token);
        if (login.Length == 0 || login.Contains(':', StringComparison.Ordinal) || (login + token).Any(c => c < 0x21 || c > 0x7e))
        {
            throw new InvalidOperationException("the Git host's login or token holds characters HTTP Basic credentials cannot carry (a colon in the login, spaces, control or non-ASCII characters); check how they were set");
        }

        return new BrokeredGitCredential(route, "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes($"{login}:{token}")));
    }

    /// <summary>
    /// What git in the bottle needs to reach the route's host through the sidecar at <paramref name="sidecarUrl"/>
    /// (http://&lt;sidecar&gt;:&lt;git port&gt;/): every URL under the host's origin is rewritten to the sidecar's.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment(GitRemoteRoute route, Uri sidecarUrl)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(sidecarUrl);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GIT_CONFIG_COUNT"] = "1",
            ["GIT_CONFIG_KEY_0"] = $"url.{sidecarUrl.GetLeftPart(UriPartial.Authority)}{route.Origin.AbsolutePath}.insteadOf",
            ["GIT_CONFIG_VALUE_0"] = route.Origin.ToString(),
        };
    }

    // Gitea's owner and repository names: letters, digits, '-', '_' and '.'.
    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
