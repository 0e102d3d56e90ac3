using System.Text;
using BotBottle.Core.Webhooks;

namespace BotBottle.Core.Tests.Webhooks;

public sealed class GiteaEventParserTests
{
    [Fact]
    public void Opened_capture_yields_the_pull_request_and_its_fork()
    {
        var e = GiteaTestData.ParseFile("captures/pull_request__opened.json", "pull_request", "pull_request");

        Assert.Equal(GiteaEventKind.PullRequest, e.Kind);
        Assert.Equal("opened", e.Action);
        Assert.Equal(new GiteaRepository("example/example", "http://localhost:3000/example/example.git", "http://localhost:3000/example/example"), e.Repository);
        var pr = e.PullRequest!;
        Assert.Equal(2, pr.Number);
        Assert.Equal("update", pr.Title);
        Assert.Equal("", pr.Body);
        Assert.Equal("http://localhost:3000/example/example/pulls/2", pr.HtmlUrl);
        Assert.Equal("open", pr.State);
        Assert.False(pr.Merged);
        Assert.Equal("master", pr.HeadRef);
        Assert.Equal("48e773f892a831faa47c0a160d1b7f0cd369ae2a", pr.HeadSha);
        Assert.Equal("http://localhost:3000/example2/example.git", pr.HeadCloneUrl);
        Assert.Equal("master", pr.BaseRef);
        Assert.Equal("example2", pr.AuthorLogin);
        Assert.Equal("example2", e.SenderLogin);
        Assert.Null(e.Review);
        Assert.Null(e.Comment);
    }

    [Fact]
    public void Synchronized_is_recognised_from_the_action_alone_or_the_event_type_alone()
    {
        var body = GiteaTestData.Bytes("captures/pull_request__synchronized.json");
        var byType = GiteaTestData.Edited("captures/pull_request__synchronized.json", n => n["action"] = "something_new");

        Assert.Equal(GiteaEventKind.PullRequestSync, GiteaTestData.ParseOk("pull_request", "pull_request_sync", body).Kind);
        Assert.Equal(GiteaEventKind.PullRequestSync, GiteaTestData.ParseOk("pull_request", null, body).Kind);
        Assert.Equal(GiteaEventKind.PullRequestSync, GiteaTestData.ParseOk("pull_request", "pull_request_sync", byType).Kind);
    }

    [Fact]
    public void Synchronized_capture_has_no_head_repository_and_still_parses()
    {
        var pr = GiteaTestData.ParseFile("captures/pull_request__synchronized.json", "pull_request", "pull_request_sync").PullRequest!;

        Assert.Null(pr.HeadCloneUrl);
        Assert.Equal("788ed8d02d3b7fcfcf6386dbcbca696aa1d4dc25", pr.HeadSha);
    }

    [Fact]
    public void Merged_capture_says_merged_and_closed()
    {
        var pr = GiteaTestData.ParseFile("captures/pull_request__closed_merged.json", "pull_request", "pull_request").PullRequest!;

        Assert.True(pr.Merged);
        Assert.True(pr.IsClosed);
        Assert.Equal("2023-12-05T18:35:31Z", pr.ClosedAt);
    }

    [Fact]
    public void Comment_on_a_pull_request_from_gitea_1_23_carries_the_pull_request()
    {
        var e = GiteaTestData.ParseFile("captures/issue_comment__created_on_pr.json", "issue_comment", "pull_request_comment");

        Assert.Equal(GiteaEventKind.Comment, e.Kind);
        Assert.Equal(new GiteaIssue(3, "main", "open", true, "https://gitea.com/Aneesh-Hegde/gitea-webhook/pulls/3"), e.Issue);
        Assert.Equal(1043451, e.Comment!.Id);
        Assert.Equal("Thanks for the fix! Could you also consider this edge case?", e.Comment.Body);
        Assert.Equal("Aneesh-Hegde", e.Comment.AuthorLogin);
        Assert.Equal("https://gitea.com/Aneesh-Hegde/gitea-webhook/pulls/3#issuecomment-1043451", e.Comment.HtmlUrl);
        Assert.Equal("cabcb9513308844c015a6b3dd804c5618875b447", e.PullRequest!.HeadSha);
        Assert.Equal("https://gitea.com/Celebi_datatransfer/gitea-webhook.git", e.PullRequest.HeadCloneUrl);
    }

    [Fact]
    public void Comment_on_a_pull_request_from_gitea_1_16_has_no_pull_request_object()
    {
        var e = GiteaTestData.ParseFile("captures/issue_comment__created_on_pr__gitea1.16.json", "issue_comment", "pull_request_comment");

        Assert.Equal(GiteaEventKind.Comment, e.Kind);
        Assert.True(e.Issue!.IsPullRequest);
        Assert.Equal(2, e.Issue.Number);
        Assert.Null(e.PullRequest);
        Assert.Equal(6, e.Comment!.Id);
    }

    [Fact]
    public void Comment_on_a_plain_issue_is_not_a_pull_request()
    {
        var e = GiteaTestData.ParseFile("captures/issue_comment__created_on_issue.json", "issue_comment", "issue_comment");

        Assert.False(e.Issue!.IsPullRequest);
        Assert.Null(e.PullRequest);
    }

    [Fact]
    public void Old_payload_without_is_pull_relies_on_issue_pull_request()
    {
        var onPr = GiteaTestData.ParseFile("payloads/pull_request_comment_created.json", "issue_comment", null);
        var onIssue = GiteaTestData.ParseFile("payloads/issue_comment_created.json", "issue_comment", null);

        Assert.True(onPr.Issue!.IsPullRequest);
        Assert.False(onIssue.Issue!.IsPullRequest);
    }

    [Theory]
    [InlineData("captures/pull_request_approved__reviewed.json", "pull_request_approved", "pull_request_review_approved", ReviewVerdict.Approved, "juhu thats a great idea")]
    [InlineData("captures/pull_request_rejected__reviewed.json", "pull_request_rejected", "pull_request_review_rejected", ReviewVerdict.ChangesRequested, "I decided otherwhies :O")]
    [InlineData("captures/pull_request_comment__reviewed.json", "pull_request_comment", "pull_request_review_comment", ReviewVerdict.Comment, "and somethimes you have to comment")]
    [InlineData("captures/issue_comment__reviewed__legacy_pre_1.19.1.json", "issue_comment", "pull_request_comment", ReviewVerdict.Comment, "123")]
    [InlineData("payloads/pull_request_review_approved.json", "pull_request_approved", "pull_request_review_approved", ReviewVerdict.Approved, "I approve")]
    public void Reviews_modern_and_legacy_yield_verdict_and_content(string file, string family, string type, ReviewVerdict verdict, string content)
    {
        var withType = GiteaTestData.ParseFile(file, family, type);
        var withoutType = GiteaTestData.ParseFile(file, family, null);

        foreach (var e in new[] { withType, withoutType })
        {
            Assert.Equal(GiteaEventKind.Review, e.Kind);
            Assert.Equal("reviewed", e.Action);
            Assert.Equal(verdict, e.Review!.Verdict);
            Assert.Equal(content, e.Review.Content);
            Assert.Null(e.Review.Id);
            Assert.NotNull(e.PullRequest);
            Assert.Null(e.Comment);
        }
    }

    [Fact]
    public void Legacy_review_keeps_its_old_review_type()
    {
        var e = GiteaTestData.ParseFile("captures/issue_comment__reviewed__legacy_pre_1.19.1.json", "issue_comment", "pull_request_comment");

        Assert.Equal("pull_request_comment", e.Review!.Type);
        Assert.Equal("example", e.SenderLogin);
        Assert.Equal(2, e.PullRequest!.Number);
    }

    [Fact]
    public void Review_id_is_read_when_a_server_sends_one()
    {
        var body = GiteaTestData.Edited("captures/pull_request_approved__reviewed.json", n => n["review"]!["id"] = 4242);

        Assert.Equal(4242, GiteaTestData.ParseOk("pull_request_approved", null, body).Review!.Id);
    }

    [Fact]
    public void Forgejo_payload_parses_like_gitea()
    {
        var e = GiteaTestData.ParseFile("captures/pull_request__reopened__forgejo.json", "pull_request", "pull_request");

        Assert.Equal("reopened", e.Action);
        Assert.Equal("test_it/test_ci_thing", e.Repository!.FullName);
        Assert.Equal("6543-patch-1", e.PullRequest!.HeadRef);
    }

    [Theory]
    [InlineData("captures/pull_request_approved__reviewed.json", "pull_request_review_approved", GiteaEventKind.Review)]
    [InlineData("captures/pull_request_rejected__reviewed.json", "pull_request_review_rejected", GiteaEventKind.Review)]
    [InlineData("captures/pull_request_comment__reviewed.json", "pull_request_review_comment", GiteaEventKind.Review)]
    [InlineData("captures/pull_request__synchronized.json", "pull_request_sync", GiteaEventKind.PullRequestSync)]
    [InlineData("captures/pull_request__label_updated.json", "pull_request_label", GiteaEventKind.PullRequest)]
    [InlineData("captures/issue_comment__created_on_pr.json", "pull_request_comment", GiteaEventKind.Comment)]
    [InlineData("captures/issue_comment__reviewed__legacy_pre_1.19.1.json", "pull_request_comment", GiteaEventKind.Review)]
    public void Without_x_gitea_event_the_event_type_decides(string file, string type, GiteaEventKind kind)
    {
        var e = GiteaTestData.ParseOk("", type, GiteaTestData.Bytes(file));

        Assert.Equal(kind, e.Kind);
    }

    [Fact]
    public void Push_and_issues_parse_as_other_with_their_repository()
    {
        var push = GiteaTestData.ParseFile("payloads/push.json", "push", "push");
        var issues = GiteaTestData.ParseFile("payloads/issues_opened.json", "issues", "issues");

        Assert.Equal(GiteaEventKind.Other, push.Kind);
        Assert.Equal("gogits/hello-world", push.Repository!.FullName);
        Assert.Null(push.PullRequest);
        Assert.Equal(GiteaEventKind.Other, issues.Kind);
        Assert.Equal("opened", issues.Action);
    }

    [Fact]
    public void Unknown_event_with_an_empty_object_parses_as_other()
    {
        var e = GiteaTestData.ParseOk("package", null, "{}"u8.ToArray());

        Assert.Equal(GiteaEventKind.Other, e.Kind);
        Assert.Null(e.Repository);
        Assert.Null(e.Action);
    }

    [Fact]
    public void Nulls_and_unknown_fields_are_tolerated()
    {
        var body = GiteaTestData.Edited("captures/pull_request__opened.json", n =>
        {
            n["pull_request"]!["title"] = null;
            n["pull_request"]!["body"] = null;
            n["pull_request"]!["user"] = null;
            n["pull_request"]!["state"] = 12;
            n["pull_request"]!["head"]!["repo"] = null;
            n["sender"] = null;
            n["from_the_future"] = new System.Text.Json.Nodes.JsonObject { ["x"] = 1 };
        });

        var e = GiteaTestData.ParseOk("pull_request", "pull_request", body);

        Assert.Equal("", e.PullRequest!.Title);
        Assert.Equal("", e.PullRequest.Body);
        Assert.Null(e.PullRequest.AuthorLogin);
        Assert.Null(e.PullRequest.State);
        Assert.Null(e.PullRequest.HeadCloneUrl);
        Assert.Null(e.SenderLogin);
    }

    [Fact]
    public void String_and_bytes_give_the_same_event_and_a_byte_order_mark_is_skipped()
    {
        var bytes = GiteaTestData.Bytes("captures/pull_request__closed.json");
        var fromBytes = GiteaTestData.ParseOk("pull_request", "pull_request", bytes);
        var fromString = GiteaEventParser.Parse("pull_request", "pull_request", Encoding.UTF8.GetString(bytes));
        var withBom = GiteaTestData.ParseOk("pull_request", "pull_request", [0xEF, 0xBB, 0xBF, .. bytes]);

        Assert.Equal(fromBytes, fromString.Event);
        Assert.Equal(fromBytes, withBom);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("{\"action\":\"opened\",}")]
    [InlineData("{\"action\":\"opened\"} trailing")]
    [InlineData("{} {}")]
    [InlineData("{'action':'opened'}")]
    public void Malformed_json_is_reported_as_such(string body)
    {
        var result = GiteaEventParser.Parse("pull_request", "pull_request", body);

        Assert.False(result.Succeeded);
        Assert.Equal(GiteaParseErrorKind.MalformedJson, result.Error.Kind);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"pull_request\"")]
    [InlineData("null")]
    public void Json_that_is_not_an_object_is_missing_everything(string body)
    {
        var result = GiteaEventParser.Parse("pull_request", "pull_request", body);

        Assert.Equal(GiteaParseErrorKind.MissingField, result.Error!.Kind);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("  ", "")]
    public void No_event_header_is_its_own_error(string? family, string? type)
    {
        var result = GiteaEventParser.Parse(family, type, GiteaTestData.Bytes("captures/pull_request__opened.json"));

        Assert.Equal(GiteaParseErrorKind.MissingEventHeader, result.Error!.Kind);
    }

    public static TheoryData<string, string, string, string> MissingFields() => new()
    {
        { "captures/pull_request__opened.json", "pull_request", "action", "action" },
        { "captures/pull_request__opened.json", "pull_request", "repository", "repository.full_name" },
        { "captures/pull_request__opened.json", "pull_request", "repository.full_name", "repository.full_name" },
        { "captures/pull_request__opened.json", "pull_request", "repository.clone_url", "repository.clone_url" },
        { "captures/pull_request__opened.json", "pull_request", "pull_request", "pull_request" },
        { "captures/pull_request__opened.json", "pull_request", "pull_request.head", "pull_request.head.ref" },
        { "captures/pull_request__opened.json", "pull_request", "pull_request.head.sha", "pull_request.head.sha" },
        { "captures/pull_request_approved__reviewed.json", "pull_request_approved", "review", "review" },
        { "captures/issue_comment__created_on_pr.json", "issue_comment", "comment.id", "comment.id" },
        { "captures/issue_comment__created_on_pr.json", "issue_comment", "issue", "issue.number" },
    };

    [Theory]
    [MemberData(nameof(MissingFields))]
    public void Valid_json_without_a_needed_field_is_a_missing_field(string file, string family, string removed, string reported)
    {
        var body = GiteaTestData.Edited(file, n =>
        {
            var path = removed.Split('.');
            var parent = path[..^1].Aggregate(n, (node, step) => node[step]!);
            parent.AsObject().Remove(path[^1]);
        });

        var result = GiteaEventParser.Parse(family, null, body);

        Assert.False(result.Succeeded);
        Assert.Equal(GiteaParseErrorKind.MissingField, result.Error.Kind);
        Assert.Contains(reported, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrongly_typed_or_ill_formed_fields_are_missing_fields()
    {
        var stringNumber = GiteaTestData.Edited("captures/pull_request__opened.json", n =>
        {
            n["pull_request"]!["number"] = "2";
            n["number"] = "2";
        });
        var zeroNumber = GiteaTestData.Edited("captures/pull_request__opened.json", n =>
        {
            n["pull_request"]!["number"] = 0;
            n["number"] = 0;
        });
        var badName = GiteaTestData.Edited("captures/pull_request__opened.json", n => n["repository"]!["full_name"] = "no-owner");
        var nullSha = GiteaTestData.Edited("captures/pull_request__opened.json", n => n["pull_request"]!["head"]!["sha"] = null);

        Assert.Equal(GiteaParseErrorKind.MissingField, GiteaEventParser.Parse("pull_request", null, stringNumber).Error!.Kind);
        Assert.Equal(GiteaParseErrorKind.MissingField, GiteaEventParser.Parse("pull_request", null, zeroNumber).Error!.Kind);
        Assert.Equal(GiteaParseErrorKind.MissingField, GiteaEventParser.Parse("pull_request", null, badName).Error!.Kind);
        Assert.Equal(GiteaParseErrorKind.MissingField, GiteaEventParser.Parse("pull_request", null, nullSha).Error!.Kind);
    }

    [Fact]
    public void Top_level_number_stands_in_for_a_missing_pull_request_number()
    {
        var body = GiteaTestData.Edited("captures/pull_request__opened.json", n => n["pull_request"]!.AsObject().Remove("number"));

        Assert.Equal(2, GiteaTestData.ParseOk("pull_request", null, body).PullRequest!.Number);
    }

    [Fact]
    public void A_partial_pull_request_in_a_comment_is_dropped_not_an_error()
    {
        var body = GiteaTestData.Edited("captures/issue_comment__created_on_pr.json", n => n["pull_request"]!.AsObject().Remove("head"));

        var e = GiteaTestData.ParseOk("issue_comment", "pull_request_comment", body);

        Assert.Null(e.PullRequest);
        Assert.True(e.Issue!.IsPullRequest);
    }
}
