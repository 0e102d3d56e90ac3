using BotBottle.Core.Manifest;

namespace BotBottle.Core.Harnesses;

/// <summary>
/// A harness's model API as a bottle's egress sidecar reaches it on the bottle's behalf: where it
/// is (scheme, host, port and base path) and the header the credential goes in. Holds no secret, so
/// it can be recorded and rendered into the sidecar's configuration.
/// </summary>
public sealed record HarnessApiRoute(Uri Origin, string Header);

/// <summary>
/// A harness credential taken out of a bottle's environment: the sidecar sends <see cref="HeaderValue"/>
/// in <see cref="HarnessApiRoute.Header"/> to the route's origin, and the bottle never holds it.
/// </summary>
public sealed record BrokeredCredential(HarnessApiRoute Route, string HeaderValue)
{
    /// <summary>Never the value: records print every member, and this one is a secret.</summary>
    public override string ToString() => $"credential for {Route.Origin} in {Route.Header}";
}

/// <summary>
/// Keeps model credentials out of bottles. The harness's credential variables are taken out of the
/// bottle's environment and replaced by a placeholder (the CLIs refuse to start without one); the
/// harness's base URL points at the sidecar's harness port, where Squid, as a reverse proxy to the
/// real API, drops whatever credential header the bottle sent and adds the real one. A prompt-injected
/// agent can still use the API through its sidecar, but it can never read the key, so it cannot
/// take it anywhere else.
/// </summary>
public static class CredentialBroker
{
    /// <summary>What the harness sees instead of its credential.</summary>
    public const string Placeholder = "botbottle-placeholder-the-egress-proxy-adds-the-real-credential";

    /// <summary>The variable a harness reads its API's base URL from.</summary>
    public static string BaseUrlVariable(Harness harness) => harness == Harness.Codex ? "OPENAI_BASE_URL" : "ANTHROPIC_BASE_URL";

    /// <summary>
    /// The API a harness talks to: its base-URL variable when the environment sets one (a gateway, a
    /// local model, a test server), otherwise its public API.
    /// </summary>
    public static Uri ApiOrigin(Harness harness, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.TryGetValue(BaseUrlVariable(harness), out var value)
            && Uri.TryCreate(value, UriKind.Absolute, out var url)
            && url.Scheme is "http" or "https"
            && url.UserInfo.Length == 0
            && url.Host.Length > 0)
        {
            return url;
        }

        return new Uri($"https://{HarnessCatalog.For(harness).ApiHost}{(harness == Harness.Codex ? "/v1" : "")}");
    }

    /// <summary>
    /// Takes every credential variable of <paramref name="harness"/> out of <paramref name="environment"/>
    /// and points the harness at the sidecar (<paramref name="sidecarBaseUrl"/>, e.g. http://10.0.0.2:3129),
    /// with the placeholder in the preferred variable. Returns what the sidecar must add, or null when
    /// the environment holds no credential (nothing is changed then).
    /// </summary>
    /// <exception cref="InvalidOperationException">The credential holds characters no HTTP header can carry.</exception>
    public static BrokeredCredential? Take(Harness harness, Dictionary<string, string> environment, Uri sidecarBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(sidecarBaseUrl);
        if (HarnessCredentials.Configured(harness, environment) is not { } chosen)
        {
            return null;
        }

        var secret = environment[chosen.Variable].Trim();
        if (secret.Any(c => c < 0x21 || c > 0x7e))
        {
            throw new InvalidOperationException($"{chosen.Variable} holds characters an HTTP header cannot carry (spaces, control or non-ASCII characters); check how it was set");
        }

        var origin = ApiOrigin(harness, environment);
        foreach (var variable in HarnessCredentials.For(harness))
        {
            environment.Remove(variable.Variable);
        }

        environment[chosen.Variable] = Placeholder;
        environment[BaseUrlVariable(harness)] = new Uri(sidecarBaseUrl, origin.AbsolutePath).ToString().TrimEnd('/');
        return new BrokeredCredential(new HarnessApiRoute(new Uri(origin.GetLeftPart(UriPartial.Path)), chosen.Header), chosen.Scheme + secret);
    }
}
