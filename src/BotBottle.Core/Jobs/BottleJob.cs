namespace BotBottle.Core.Jobs;

/// <summary>
/// A unit of work on the shared queue. Web, webhooks and the CLI enqueue them; any Worker may take
/// one. Which members matter depends on <see cref="Kind"/>; <see cref="Validate"/> says what is missing.
/// </summary>
public sealed record BottleJob
{
    public required string JobId { get; init; }

    public required JobKind Kind { get; init; }

    public string? AgentName { get; init; }

    public string? Task { get; init; }

    public string Label { get; init; } = "";

    public string Color { get; init; } = "";

    public string? Slug { get; init; }

    /// <summary>Launch and Run: "docker" or "gvisor"; null for the agent's own.</summary>
    public string? Backend { get; init; }

    public string? SessionId { get; init; }

    /// <summary>Teardown only: delete the state directory too (transcripts included).</summary>
    public bool Purge { get; init; }

    /// <summary>Clone this repository into the workspace instead of starting empty.</summary>
    public string? RepositoryUrl { get; init; }

    public string? Reference { get; init; }

    /// <summary>PullRequest only: the webhook work to do.</summary>
    public PullRequests.PrWork? PullRequest { get; init; }

    /// <summary>Who asked: "dashboard:alice", "webhook:owner/repo#12", "cli".</summary>
    public string RequestedBy { get; init; } = "";

    public DateTimeOffset EnqueuedAt { get; init; }

    public static string NewJobId() => Guid.NewGuid().ToString("N");

    /// <summary>The problems that make this job impossible to carry out, empty when it is well-formed.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(JobId))
        {
            problems.Add("job id is missing");
        }

        switch (Kind)
        {
            case JobKind.Launch:
                Require(problems, AgentName, "an agent");
                break;
            case JobKind.Run:
                Require(problems, AgentName, "an agent");
                Require(problems, Task, "a task");
                break;
            case JobKind.Resume:
                Require(problems, Slug, "a slug");
                Require(problems, SessionId, "a session id");
                Require(problems, Task, "a task");
                break;
            case JobKind.Teardown:
                Require(problems, Slug, "a slug");
                break;
            case JobKind.PullRequest when PullRequest is null:
                problems.Add("a pull-request job needs the pull-request work");
                break;
            case JobKind.PullRequest:
                break;
            default:
                problems.Add($"unknown job kind {Kind}");
                break;
        }

        return problems;
    }

    private void Require(List<string> problems, string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"a {Kind.ToString().ToLowerInvariant()} job needs {what}");
        }
    }
}
