using System.Text.Json;
using BotBottle.Core.Events;
using BotBottle.Core.Harnesses;
using BotBottle.Core.Jobs;

namespace BotBottle.Core.Tests.Jobs;

public sealed class BotBottleJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 15, 9, 30, 12, 345, TimeSpan.FromHours(1));

    [Fact]
    public void Bottle_job_round_trips()
    {
        var job = new BottleJob
        {
            JobId = "0f3c9a2b7d1e4c5f8a6b9c0d1e2f3a4b",
            Kind = JobKind.Resume,
            AgentName = "implementer",
            Task = "add a test for \"quoted\" input\nand a newline",
            Label = "PR 12",
            Color = "teal",
            Slug = "implementer-a3f9",
            SessionId = "8f4c2a1e-3b7d-4e9a-9c51-2d6f0b8e7a13",
            RepositoryUrl = "https://github.com/owner/repo.git",
            Reference = "feature/x",
            RequestedBy = "webhook:owner/repo#12",
            EnqueuedAt = At,
        };

        var back = BotBottleJson.Deserialize<BottleJob>(BotBottleJson.Serialize(job));

        Assert.Equal(job, back);
    }

    [Fact]
    public void Bottle_job_is_camel_case_with_lowercase_kind_and_no_null_members()
    {
        var job = new BottleJob { JobId = "j1", Kind = JobKind.Teardown, Slug = "a3f9", Purge = true };

        using var json = JsonDocument.Parse(BotBottleJson.Serialize(job));
        var root = json.RootElement;

        Assert.Equal("j1", root.GetProperty("jobId").GetString());
        Assert.Equal("teardown", root.GetProperty("kind").GetString());
        Assert.Equal("a3f9", root.GetProperty("slug").GetString());
        Assert.True(root.GetProperty("purge").GetBoolean());
        Assert.False(root.TryGetProperty("agentName", out _));
        Assert.False(root.TryGetProperty("task", out _));
        Assert.False(root.TryGetProperty("sessionId", out _));
        Assert.False(root.TryGetProperty("repositoryUrl", out _));
        Assert.False(root.TryGetProperty("JobId", out _));
    }

    [Theory]
    [InlineData(JobKind.Launch, "launch")]
    [InlineData(JobKind.Run, "run")]
    [InlineData(JobKind.Resume, "resume")]
    [InlineData(JobKind.Teardown, "teardown")]
    public void Job_kinds_are_written_as_lowercase_words(JobKind kind, string word)
    {
        Assert.Equal($"\"{word}\"", BotBottleJson.Serialize(kind));
        Assert.Equal(kind, BotBottleJson.Deserialize<JobKind>($"\"{word}\""));
    }

    [Fact]
    public void Job_written_by_another_service_is_read()
    {
        const string json = """{"jobId":"j9","kind":"run","agentName":"implementer","task":"go","enqueuedAt":"2026-01-15T09:30:12.345+01:00"}""";

        var job = BotBottleJson.Deserialize<BottleJob>(json);

        Assert.Equal(JobKind.Run, job.Kind);
        Assert.Equal("implementer", job.AgentName);
        Assert.Equal(At, job.EnqueuedAt);
        Assert.Empty(job.Validate());
    }

    [Fact]
    public void Job_result_with_a_harness_result_round_trips()
    {
        var result = new JobResult
        {
            JobId = "j1",
            Outcome = JobOutcome.Succeeded,
            Slug = "implementer-a3f9",
            Harness = new HarnessResult(
                "8f4c2a1e-3b7d-4e9a-9c51-2d6f0b8e7a13",
                "Done.",
                IsError: false,
                ExitCode: 0,
                CostUsd: 0.0375206m,
                Usage: new HarnessUsage(4, 121, 13407, 5385),
                RawJson: """{"type":"result","result":"Done."}"""),
            WorkerId = "worker-1",
            FinishedAt = At,
        };

        var json = BotBottleJson.Serialize(result);
        var back = BotBottleJson.Deserialize<JobResult>(json);

        Assert.Equal(result, back);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("succeeded", document.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("Done.", document.RootElement.GetProperty("harness").GetProperty("resultText").GetString());
        Assert.Equal(5385, document.RootElement.GetProperty("harness").GetProperty("usage").GetProperty("cacheCreationInputTokens").GetInt64());
        Assert.False(document.RootElement.TryGetProperty("error", out _));
    }

    [Fact]
    public void Failed_job_result_without_a_harness_omits_it()
    {
        var result = new JobResult { JobId = "j2", Outcome = JobOutcome.Failed, Error = "agent 'ghost' is not in the manifest" };

        var json = BotBottleJson.Serialize(result);
        var back = BotBottleJson.Deserialize<JobResult>(json);

        Assert.Equal(result, back);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("failed", document.RootElement.GetProperty("outcome").GetString());
        Assert.False(document.RootElement.TryGetProperty("harness", out _));
        Assert.False(document.RootElement.TryGetProperty("slug", out _));
    }

    [Fact]
    public void Bottle_event_round_trips_with_its_data()
    {
        var evt = new BottleEvent(
            BottleEventKind.Finished,
            "implementer-a3f9",
            "j1",
            At,
            "run finished",
            new Dictionary<string, string> { ["session_id"] = "8f4c2a1e-3b7d-4e9a-9c51-2d6f0b8e7a13", ["ExitCode"] = "0" });

        var json = BotBottleJson.Serialize(evt);
        var back = BotBottleJson.Deserialize<BottleEvent>(json);

        Assert.Equal(evt.Kind, back.Kind);
        Assert.Equal(evt.Slug, back.Slug);
        Assert.Equal(evt.JobId, back.JobId);
        Assert.Equal(evt.At, back.At);
        Assert.Equal(evt.Message, back.Message);
        Assert.NotNull(back.Data);
        Assert.Equal(evt.Data!.OrderBy(p => p.Key, StringComparer.Ordinal), back.Data.OrderBy(p => p.Key, StringComparer.Ordinal));
        using var document = JsonDocument.Parse(json);
        Assert.Equal("finished", document.RootElement.GetProperty("kind").GetString());
        // Data keys are payload, not member names: they keep their spelling.
        Assert.True(document.RootElement.GetProperty("data").TryGetProperty("ExitCode", out _));
    }

    [Fact]
    public void Bottle_event_without_data_or_slug_omits_them()
    {
        var evt = new BottleEvent(BottleEventKind.Queued, null, "j1", At);

        var json = BotBottleJson.Serialize(evt);
        var back = BotBottleJson.Deserialize<BottleEvent>(json);

        Assert.Equal(evt, back);
        Assert.DoesNotContain("\"data\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"slug\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"queued\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_document_is_refused()
    {
        Assert.Throws<JsonException>(() => BotBottleJson.Deserialize<BottleJob>("null"));
    }

    [Fact]
    public void Options_are_frozen()
    {
        Assert.True(BotBottleJson.Options.IsReadOnly);
    }
}
