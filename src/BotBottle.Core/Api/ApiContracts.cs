namespace BotBottle.Core.Api;

/// <summary>A launch as the API takes it; only the agent is required.</summary>
/// <param name="Backend">"docker" or "gvisor"; null for the agent's own (its manifest's <c>backend:</c>, else docker).</param>
public sealed record LaunchRequest(string Agent, string? Label = null, string? Color = null, string? Task = null, string? Backend = null);

/// <summary>What a launch or stop answers: the queued job, and what was made of the input.</summary>
public sealed record QueuedJob(string JobId, string? Slug = null, string? Label = null, string? Color = null, IReadOnlyList<string>? Warnings = null);

/// <summary>Why the API refused a request; for an unknown agent, the agents it knows.</summary>
public sealed record ApiError(string Error, IReadOnlyList<string>? Known = null);

/// <summary>Continue a bottle's harness session with a new task.</summary>
public sealed record ResumeRequest(string SessionId, string Task);
