namespace BotBottle.AppHost.Credentials;

/// <summary>The harnesses' model API credentials, as Aspire secret parameters.</summary>
public static class AgentCredentialExtensions
{
    /// <summary>
    /// Hands the secret parameter <paramref name="parameter"/> (set with
    /// <c>dotnet user-secrets set Parameters:&lt;name&gt; ... --project src/BotBottle.AppHost</c> or
    /// <c>Parameters__&lt;name&gt;</c>) to the Worker as the agents' <paramref name="variable"/>. Wired
    /// only when given: without it the stack still starts, and a run of a harness that needs it is
    /// refused before any container starts, naming the parameter.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAgentCredential(this IResourceBuilder<ProjectResource> worker, string parameter, string variable)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var builder = worker.ApplicationBuilder;
        return builder.Configuration[$"Parameters:{parameter}"] is { Length: > 0 }
            ? worker.WithEnvironment($"BotBottle__AgentEnvironment__{variable}", builder.AddParameter(parameter, secret: true))
            : worker;
    }
}
