var builder = DistributedApplication.CreateBuilder(args);

// Redis holds the PR-session registry, the job queue, locks and live events; the registry must
// survive a restart, so Redis snapshots to a named volume.
var redis = builder.AddRedis("redis")
    .WithDataVolume("botbottle-redis-data")
    .WithPersistence(interval: TimeSpan.FromSeconds(10), keysChangedThreshold: 1);

// The manifest the Worker reads agents from; relative paths are resolved from the repository root.
var manifest = Path.GetFullPath(
    builder.Configuration["BotBottle:Manifest"] ?? "manifests/agents.sample.yaml",
    Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "..")));

builder.AddProject<Projects.BotBottle_Worker>("worker")
    .WithReference(redis)
    .WaitFor(redis)
    .WithEnvironment("BotBottle__ManifestPath", manifest)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.BotBottle_Web>("web")
    .WithReference(redis)
    .WaitFor(redis)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();
