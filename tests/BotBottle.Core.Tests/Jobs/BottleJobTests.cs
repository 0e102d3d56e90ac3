using BotBottle.Core.Jobs;

namespace BotBottle.Core.Tests.Jobs;

public sealed class BottleJobTests
{
    [Fact]
    public void Launch_needs_an_agent()
    {
        var problems = new BottleJob { JobId = "j1", Kind = JobKind.Launch }.Validate();

        var problem = Assert.Single(problems);
        Assert.StartsWith("a launch job needs a", problem, StringComparison.Ordinal);
        Assert.EndsWith("agent", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_needs_an_agent_and_a_task()
    {
        var problems = new BottleJob { JobId = "j1", Kind = JobKind.Run }.Validate();

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("a run job needs a", problems[0], StringComparison.Ordinal);
        Assert.EndsWith("agent", problems[0], StringComparison.Ordinal);
        Assert.Equal("a run job needs a task", problems[1]);
    }

    [Fact]
    public void Resume_needs_a_slug_a_session_id_and_a_task()
    {
        var problems = new BottleJob { JobId = "j1", Kind = JobKind.Resume, AgentName = "implementer" }.Validate();

        Assert.Equal(
            ["a resume job needs a slug", "a resume job needs a session id", "a resume job needs a task"],
            problems);
    }

    [Fact]
    public void Teardown_needs_a_slug()
    {
        var problems = new BottleJob { JobId = "j1", Kind = JobKind.Teardown }.Validate();

        Assert.Equal(["a teardown job needs a slug"], problems);
    }

    [Fact]
    public void Whitespace_counts_as_missing()
    {
        var problems = new BottleJob { JobId = "j1", Kind = JobKind.Run, AgentName = "implementer", Task = "  \n" }.Validate();

        Assert.Equal(["a run job needs a task"], problems);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_job_id_is_a_problem(string jobId)
    {
        var problems = new BottleJob { JobId = jobId, Kind = JobKind.Teardown, Slug = "a3f9" }.Validate();

        Assert.Equal(["job id is missing"], problems);
    }

    [Fact]
    public void Unknown_kind_is_a_problem()
    {
        var problems = new BottleJob { JobId = "j1", Kind = (JobKind)42 }.Validate();

        Assert.Equal(["unknown job kind 42"], problems);
    }

    [Fact]
    public void Problems_accumulate_instead_of_stopping_at_the_first()
    {
        var problems = new BottleJob { JobId = "", Kind = JobKind.Resume }.Validate();

        Assert.Equal(4, problems.Count);
        Assert.Equal("job id is missing", problems[0]);
    }

    [Fact]
    public void Well_formed_jobs_of_every_kind_have_no_problems()
    {
        BottleJob[] jobs =
        [
            new() { JobId = "j1", Kind = JobKind.Launch, AgentName = "implementer" },
            new() { JobId = "j2", Kind = JobKind.Run, AgentName = "implementer", Task = "fix the bug" },
            new() { JobId = "j3", Kind = JobKind.Resume, Slug = "implementer-a3f9", SessionId = "8f4c2a1e-3b7d-4e9a-9c51-2d6f0b8e7a13", Task = "add a test" },
            new() { JobId = "j4", Kind = JobKind.Teardown, Slug = "a3f9", Purge = true },
        ];

        Assert.All(jobs, job => Assert.Empty(job.Validate()));
    }

    [Fact]
    public void New_job_ids_are_unique_32_character_hex()
    {
        var first = BottleJob.NewJobId();
        var second = BottleJob.NewJobId();

        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Optional_members_default_to_empty_and_off()
    {
        var job = new BottleJob { JobId = "j1", Kind = JobKind.Launch };

        Assert.Equal("", job.Label);
        Assert.Equal("", job.Color);
        Assert.Equal("", job.RequestedBy);
        Assert.False(job.Purge);
        Assert.Null(job.RepositoryUrl);
    }
}
