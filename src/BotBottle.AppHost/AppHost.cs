using BotBottle.AppHost.Credentials;
using BotBottle.AppHost.LocalModels;
using BotBottle.AppHost.Queue;
using BotBottle.AppHost.SignIn;

var builder = DistributedApplication.CreateBuilder(args);

// Redis holds the PR-session registry, the job queue, locks and live events; all of it must survive
// a restart of Redis, so it appends every write to its log (and snapshots) on a named volume, and a
// full Redis evicts only keys that expire anyway (results, markers, event indexes), never the queue.
var redis = builder.AddRedis("redis")
    .WithDataVolume("botbottle-redis-data")
    .WithPersistence(interval: TimeSpan.FromSeconds(10), keysChangedThreshold: 1)
    .WithDurableQueue(builder.Configuration["BotBottle:Redis:MaxMemory"] ?? "1gb");

// The manifest the Worker reads agents from; relative paths are resolved from the repository root.
var manifest = Path.GetFullPath(
    builder.Configuration["BotBottle:Manifest"] ?? "manifests/agents.sample.yaml",
    Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "..")));

var ollama = builder.AddOllama();

var worker = builder.AddProject<Projects.BotBottle_Worker>("worker")
    .WithReference(redis)
    .WaitFor(redis)
    .WithEnvironment("BotBottle__ManifestPath", manifest)
    .WithOptionalReference(ollama)
    .WithHttpHealthCheck("/health");

var web = builder.AddProject<Projects.BotBottle_Web>("web")
    .WithReference(redis)
    .WithReference(worker)
    .WaitFor(redis)
    .WithOptionalReference(ollama)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

// The API token the CLI and scripts present: generated once per machine and kept in user secrets.
var apiToken = builder.AddParameter("api-token", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
web.WithEnvironment("BotBottle__Auth__ApiToken", apiToken);

// The secret a team member types to sign in to the dashboard; generated the same way (see it with
// `dotnet user-secrets list --project src/BotBottle.AppHost` or on the Aspire dashboard).
var teamSecret = builder.AddParameter("team-secret", new GenerateParameterDefault { MinLength = 20, Special = false }, secret: true, persist: true);
web.WithEnvironment("BotBottle__Auth__TeamSecret", teamSecret);

// Sign-in with the team's OpenID Connect provider (Gitea, Forgejo, Keycloak, Entra), when configured.
web.WithOidcSignIn();

// The Web fetches transcript snapshots from the Worker's small API with this token.
var workerToken = builder.AddParameter("worker-token", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
worker.WithEnvironment("BotBottle__WorkerApi__Token", workerToken);
web.WithEnvironment("BotBottle__WorkerApi__Token", workerToken);

// Secrets are Aspire secret parameters (user secrets or Parameters__* environment variables).
// They are wired only when given: without them the stack still starts, the webhook endpoint
// refuses every delivery and says so, and results are not posted back to Gitea.
if (builder.Configuration["Parameters:gitea-webhook-secret"] is { Length: > 0 })
{
    web.WithEnvironment("BotBottle__Webhooks__Gitea__Secret", builder.AddParameter("gitea-webhook-secret", secret: true));
}

if (builder.Configuration["Parameters:gitea-token"] is { Length: > 0 })
{
    worker.WithEnvironment("BotBottle__Gitea__Token", builder.AddParameter("gitea-token", secret: true));
}

// The harnesses' model API credentials, each optional: without one, a run of that harness is
// refused before any container starts, naming the parameter to set.
worker.WithAgentCredential("anthropic-api-key", "ANTHROPIC_API_KEY");
worker.WithAgentCredential("claude-code-oauth-token", "CLAUDE_CODE_OAUTH_TOKEN");
worker.WithAgentCredential("openai-api-key", "OPENAI_API_KEY");

builder.Build().Run();
