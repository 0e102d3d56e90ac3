using System.Text.Json;
using BotBottle.Core.Backends;
using BotBottle.Core.Manifest;

namespace BotBottle.Worker.Egress;

/// <summary>
/// A bottle serving a PR may reach the Git host it was cloned from (Gitea). The repository's URL
/// (never its credentials) is kept in the bottle's state directory, so a relaunch for a comment or
/// review (which names no repository) opens it again.
/// </summary>
public static class RepositoryEgress
{
    public const string FileName = "repository-egress.json";

    /// <summary>
    /// The bottle with its repository host opened and <see cref="PreparedBottle.RepositoryUrl"/> set:
    /// <paramref name="repositoryUrl"/>'s when given (and remembered), else the remembered one.
    /// </summary>
    public static PreparedBottle Apply(PreparedBottle bottle, string? repositoryUrl)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        var path = Path.Combine(bottle.StateDirectory, FileName);
        var url = WithoutCredentials(repositoryUrl);
        var rule = RuleFor(url);
        if (rule is not null)
        {
            File.WriteAllText(path, JsonSerializer.Serialize(url));
        }
        else if (File.Exists(path) && JsonSerializer.Deserialize<string>(File.ReadAllText(path)) is { } remembered)
        {
            // Written before the URL was kept, the file holds only the host:port rule.
            if (RuleFor(remembered) is { } fromUrl)
            {
                (url, rule) = (remembered, fromUrl);
            }
            else if (EgressRule.TryParse(remembered, out var legacy, out _))
            {
                rule = legacy;
            }
        }

        return rule is null ? bottle : bottle with { ExtraEgress = [.. bottle.ExtraEgress, rule], RepositoryUrl = url };
    }

    /// <summary>host:port of an http(s) or ssh clone URL; null for local paths and file URLs.</summary>
    public static EgressRule? RuleFor(string? repositoryUrl) =>
        Uri.TryCreate(repositoryUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" or "ssh"
            ? EgressRule.ForEndpointOf(url)
            : null;

    private static string? WithoutCredentials(string? repositoryUrl) =>
        Uri.TryCreate(repositoryUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.UserInfo.Length > 0
            ? new UriBuilder(url) { UserName = "", Password = "" }.Uri.ToString()
            : repositoryUrl;
}
