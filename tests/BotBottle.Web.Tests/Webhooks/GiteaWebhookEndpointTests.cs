using System.Net;
using System.Net.Http.Json;
using BotBottle.Core.Jobs;
using BotBottle.Core.PullRequests;
using BotBottle.Testing;

namespace BotBottle.Web.Tests.Webhooks;

/// <summary>Every real Gitea payload through the real endpoint of a running Web, with a real Redis behind it.</summary>
public sealed class GiteaWebhookEndpointTests(RunningWeb stack) : IClassFixture<RunningWeb>, IAsyncLifetime
{
    public Task InitializeAsync() => stack.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    // file, X-Gitea-Event, X-Gitea-Event-Type, expected status, queued work kind (null when ignored)
    public static TheoryData<string, string, string, HttpStatusCode, PrWorkKind?> Payloads() => new()
    {
        { "captures/pull_request__opened.json", "pull_request", "pull_request", HttpStatusCode.Accepted, PrWorkKind.Start },
        { "captures/pull_request__reopened__forgejo.json", "pull_request", "pull_request", HttpStatusCode.Accepted, PrWorkKind.Start },
        { "captures/pull_request__synchronized.json", "pull_request", "pull_request_sync", HttpStatusCode.Accepted, PrWorkKind.Resume },
        { "captures/pull_request__closed.json", "pull_request", "pull_request", HttpStatusCode.Accepted, PrWorkKind.CleanUp },
        { "captures/pull_request__closed_merged.json", "pull_request", "pull_request", HttpStatusCode.Accepted, PrWorkKind.CleanUp },
        { "captures/pull_request__edited_title.json", "pull_request", "pull_request", HttpStatusCode.OK, null },
        { "captures/pull_request__label_updated.json", "pull_request", "pull_request_label", HttpStatusCode.OK, null },
        { "captures/pull_request__review_requested.json", "pull_request", "pull_request_review_request", HttpStatusCode.OK, null },
        { "captures/pull_request_approved__reviewed.json", "pull_request_approved", "pull_request_review_approved", HttpStatusCode.Accepted, PrWorkKind.Resume },
        { "captures/pull_request_rejected__reviewed.json", "pull_request_rejected", "pull_request_review_rejected", HttpStatusCode.Accepted, PrWorkKind.Resume },
        { "captures/pull_request_comment__reviewed.json", "pull_request_comment", "pull_request_review_comment", HttpStatusCode.Accepted, PrWorkKind.Resume },
        { "captures/issue_comment__reviewed__legacy_pre_1.19.1.json", "issue_comment", "pull_request_comment", HttpStatusCode.Accepted, PrWorkKind.Resume },
        { "captures/issue_comment__created_on_pr.json", "issue_comment", "pull_request_comment", HttpStatusCode.OK, null },
        { "captures/issue_comment__created_on_pr__gitea1.16.json", "issue_comment", "pull_request_comment", HttpStatusCode.OK, null },
        { "captures/issue_comment__created_on_issue.json", "issue_comment", "issue_comment", HttpStatusCode.OK, null },
        { "payloads/pull_request_opened.json", "pull_request", "pull_request", HttpStatusCode.Accepted, PrWorkKind.Start },
        { "payloads/pull_request_reopened.json", "pull_request", "pull_request", HttpStatusCode.Accepted, PrWorkKind.Start },
        { "payloads/pull_request_synchronized.json", "pull_request", "pull_request_sync", HttpStatusCode.Accepted, PrWorkKind.Resume },
        { "payloads/pull_request_closed.json", "pull_request", "pull_request", HttpStatusCode.Accepted, PrWorkKind.CleanUp },
        { "payloads/pull_request_merged.json", "pull_request", "pull_request", HttpStatusCode.Accepted, PrWorkKind.CleanUp },
        { "payloads/pull_request_edited.json", "pull_request", "pull_request", HttpStatusCode.OK, null },
        { "payloads/pull_request_review_approved.json", "pull_request_approved", "pull_request_review_approved", HttpStatusCode.Accepted, PrWorkKind.Resume },
        { "payloads/pull_request_comment_created.json", "issue_comment", "pull_request_comment", HttpStatusCode.OK, null },
        { "payloads/pull_request_comment_edited.json", "issue_comment", "pull_request_comment", HttpStatusCode.OK, null },
        { "payloads/pull_request_comment_deleted.json", "issue_comment", "pull_request_comment", HttpStatusCode.OK, null },
        { "payloads/issue_comment_created.json", "issue_comment", "issue_comment", HttpStatusCode.OK, null },
        { "payloads/issues_opened.json", "issues", "issues", HttpStatusCode.OK, null },
        { "payloads/push.json", "push", "push", HttpStatusCode.OK, null },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Each_real_payload_is_queued_or_ignored_as_its_event_asks(string file, string family, string type, HttpStatusCode status, PrWorkKind? kind)
    {
        var delivery = GiteaDelivery.FromFile(file, family, type);

        using var response = await stack.Http.SendAsync(delivery.Request());

        Assert.Equal(status, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<Web.Webhooks.WebhookAnswer>();
        Assert.Equal(delivery.DeliveryId, answer!.DeliveryId);
        var jobs = await stack.QueuedJobsAsync();
        if (kind is null)
        {
            Assert.Equal("ignored", answer.Status);
            Assert.Empty(jobs);
            return;
        }

        var job = Assert.Single(jobs);
        Assert.Equal((JobKind.PullRequest, kind, delivery.DeliveryId), (job.Kind, job.PullRequest!.Kind, job.PullRequest.DeliveryId));
    }

    [Fact]
    public async Task Opened_PR_is_queued_with_a_task_built_from_the_PR_and_a_clone_of_its_head()
    {
        var delivery = GiteaDelivery.FromFile("captures/pull_request__opened.json", "pull_request", "pull_request");

        using var response = await stack.Http.SendAsync(delivery.Request());

        var work = Assert.Single(await stack.QueuedJobsAsync()).PullRequest!;
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(("example/example", 2, "pr-reviewer"), (work.Repository, work.Number, work.Agent));
        Assert.Contains("update", work.Prompt, StringComparison.Ordinal);
        Assert.NotNull(work.CloneUrl);
        Assert.NotNull(work.HeadSha);
        var queued = await stack.Redis.Connection.GetDatabase().StreamRangeAsync(QueueNames.EventStream);
        Assert.Single(queued);
    }

    [Fact]
    public async Task Comment_mentioning_the_bot_resumes_with_the_comment_as_prompt()
    {
        var delivery = GiteaDelivery.Edited("captures/issue_comment__created_on_pr.json", "issue_comment", "pull_request_comment",
            n => n["comment"]!["body"] = "@botbottle can you add a regression test?");

        using var response = await stack.Http.SendAsync(delivery.Request());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var work = Assert.Single(await stack.QueuedJobsAsync()).PullRequest!;
        Assert.Equal(PrWorkKind.Resume, work.Kind);
        Assert.Contains("can you add a regression test?", work.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approval_of_a_forks_head_is_queued_with_the_head_and_how_to_approve()
    {
        var delivery = GiteaDelivery.Edited("captures/issue_comment__created_on_pr.json", "issue_comment", "pull_request_comment",
            n => n["comment"]!["body"] = "@botbottle approve");

        using var response = await stack.Http.SendAsync(delivery.Request());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var work = Assert.Single(await stack.QueuedJobsAsync()).PullRequest!;
        Assert.Equal((PrWorkKind.Approve, "cabcb9513308844c015a6b3dd804c5618875b447", true, "Aneesh-Hegde"), (work.Kind, work.HeadSha, work.FromFork, work.Sender));
        Assert.Equal("comment `@botbottle approve`", work.HowToApprove);
    }

    [Fact]
    public async Task Comment_by_the_bot_itself_is_ignored()
    {
        var delivery = GiteaDelivery.Edited("captures/issue_comment__created_on_pr.json", "issue_comment", "pull_request_comment", n =>
        {
            n["comment"]!["body"] = "@botbottle here is my own answer";
            n["comment"]!["user"]!["login"] = "botbottle";
            n["sender"]!["login"] = "botbottle";
        });

        using var response = await stack.Http.SendAsync(delivery.Request());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await stack.QueuedJobsAsync());
    }

    [Fact]
    public async Task Redelivery_with_the_same_id_is_queued_once()
    {
        var delivery = GiteaDelivery.FromFile("captures/pull_request__opened.json", "pull_request", "pull_request");

        using var first = await stack.Http.SendAsync(delivery.Request());
        using var second = await stack.Http.SendAsync(delivery.Request());

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("duplicate delivery", (await second.Content.ReadFromJsonAsync<Web.Webhooks.WebhookAnswer>())!.Detail, StringComparison.Ordinal);
        Assert.Single(await stack.QueuedJobsAsync());
    }

    [Fact]
    public async Task Manual_redelivery_of_the_same_body_under_a_new_id_is_queued_once()
    {
        var delivery = GiteaDelivery.FromFile("captures/pull_request__synchronized.json", "pull_request", "pull_request_sync");

        using var first = await stack.Http.SendAsync(delivery.Request());
        using var again = await stack.Http.SendAsync((delivery with { DeliveryId = Guid.NewGuid().ToString() }).Request());

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("duplicate event", (await again.Content.ReadFromJsonAsync<Web.Webhooks.WebhookAnswer>())!.Detail, StringComparison.Ordinal);
        Assert.Single(await stack.QueuedJobsAsync());
    }

    public static TheoryData<string> Forgeries() => ["missing", "wrong-secret", "tampered", "garbage", "only-one-header-wrong"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Delivery_without_a_valid_signature_is_refused_and_nothing_is_queued(string forgery)
    {
        var delivery = GiteaDelivery.FromFile("captures/pull_request__opened.json", "pull_request", "pull_request");
        var tampered = delivery.Body.ToArray();
        tampered[^10] ^= 0x20;
        var request = forgery switch
        {
            "missing" => delivery.Request(secret: null),
            "wrong-secret" => delivery.Request(secret: "not-the-secret"),
            "tampered" => delivery.Request(sentBody: tampered),
            "garbage" => delivery.Request(secret: null, headers: h => h.Add("X-Gitea-Signature", "zz-not-hex")),
            _ => delivery.Request(headers: h =>
            {
                h.Remove("X-Hub-Signature-256");
                h.Add("X-Hub-Signature-256", "sha256=" + new string('0', 64));
            }),
        };

        using var response = await stack.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await stack.QueuedJobsAsync());
    }

    [Fact]
    public async Task Malformed_JSON_is_refused_with_400_and_nothing_is_queued()
    {
        var delivery = new GiteaDelivery("{\"action\": \"opened\", "u8.ToArray(), "pull_request", "pull_request", Guid.NewGuid().ToString());

        using var response = await stack.Http.SendAsync(delivery.Request());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await stack.QueuedJobsAsync());
    }

    [Fact]
    public async Task JSON_missing_the_fields_an_event_needs_is_refused_with_400()
    {
        var delivery = GiteaDelivery.Edited("captures/pull_request__opened.json", "pull_request", "pull_request", n => n.AsObject().Remove("pull_request"));

        using var response = await stack.Http.SendAsync(delivery.Request());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("pull_request", (await response.Content.ReadFromJsonAsync<Web.Webhooks.WebhookAnswer>())!.Detail, StringComparison.Ordinal);
        Assert.Empty(await stack.QueuedJobsAsync());
    }

    [Fact]
    public async Task Delivery_without_a_delivery_id_is_refused_with_400()
    {
        var delivery = GiteaDelivery.FromFile("captures/pull_request__opened.json", "pull_request", "pull_request");

        using var response = await stack.Http.SendAsync(delivery.Request(headers: h => h.Remove("X-Gitea-Delivery")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await stack.QueuedJobsAsync());
    }

    [Fact]
    public async Task Oversized_body_is_refused_with_413_and_nothing_is_queued()
    {
        var delivery = GiteaDelivery.Edited("captures/pull_request__opened.json", "pull_request", "pull_request",
            n => n["pull_request"]!["body"] = new string('x', 300_000));

        using var response = await stack.Http.SendAsync(delivery.Request());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await stack.QueuedJobsAsync());
    }

    [Fact]
    public async Task Without_a_configured_secret_every_delivery_is_refused_and_start_up_says_so()
    {
        await using var unconfigured = RunningWeb.StartWeb(stack.Redis.ConnectionString, secret: null);
        await unconfigured.WaitUntilAliveAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = unconfigured.Url };
        var delivery = GiteaDelivery.FromFile("captures/pull_request__opened.json", "pull_request", "pull_request");

        using var response = await http.SendAsync(delivery.Request());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(await stack.QueuedJobsAsync());
        Assert.Contains("No Gitea webhook secret is configured", unconfigured.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_secret_never_appears_in_the_log()
    {
        var delivery = GiteaDelivery.FromFile("captures/pull_request__opened.json", "pull_request", "pull_request");
        using var ok = await stack.Http.SendAsync(delivery.Request());
        using var bad = await stack.Http.SendAsync(delivery.Request(secret: "not-the-secret"));

        Assert.DoesNotContain(RunningWeb.Secret, stack.Web.Log, StringComparison.Ordinal);
    }
}
