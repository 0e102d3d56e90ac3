using System.Text.Json;
using BotBottle.Core.Backends;
using BotBottle.Core.Manifest;

namespace BotBottle.Worker.Egress;

/// <summary>
/// A bottle serving a PR may reach the Git host it was cloned from (Gitea). The destination is kept
/// in the bottle's state directory, so a relaunch for a comment or review (which names no
/// repository) opens it again.
/// </summary>
public static class RepositoryEgress
{
    public const string FileName = "repository-egress.json";

    /// <summary>The bottle with its repository host opened: <paramref name="repositoryUrl"/>'s when given (and remembered), else the remembered one.</summary>
    public static PreparedBottle Apply(PreparedBottle bottle, string? repositoryUrl)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        var path = Path.Combine(bottle.StateDirectory, FileName);
        var rule = RuleFor(repositoryUrl);
        if (rule is not null)
        {
            File.WriteAllText(path, JsonSerializer.Serialize(rule.ToString()));
        }
        else if (File.Exists(path) && EgressRule.TryParse(JsonSerializer.Deserialize<string>(File.ReadAllText(path)), out var remembered, out _))
        {
            rule = remembered;
        }

        return rule is null ? bottle : bottle with { ExtraEgress = [.. bottle.ExtraEgress, rule] };
    }

    /// <summary>host:port of an http(s) or ssh clone URL; null for local paths and file URLs.</summary>
    public static EgressRule? RuleFor(string? repositoryUrl) =>
        Uri.TryCreate(repositoryUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" or "ssh"
            ? EgressRule.ForEndpointOf(url)
            : null;
}
