using BotBottle.Core.Webhooks;

namespace BotBottle.Core.Tests.Webhooks;

public sealed class PrActionMapperTests
{
    private const string Opened = "captures/pull_request__opened.json";
    private const string Synchronized = "captures/pull_request__synchronized.json";
    private const string CommentOnPr = "captures/issue_comment__created_on_pr.json";
    private const string CommentOnPr116 = "captures/issue_comment__created_on_pr__gitea1.16.json";
    private const string Approved = "captures/pull_request_approved__reviewed.json";
    private const string MentionOnPr = CommentOnPr;
    private const string MentionOnPr116 = CommentOnPr116;

    [Fact]
    public void Opened_starts_the_agent_on_the_forks_branch_with_a_readable_task()
    {
        var start = Assert.IsType<StartAgent>(GiteaTestData.Map("pull_request", "pull_request", GiteaTestData.Bytes(Opened)));

        Assert.Equal(new PrKey("example/example", 2), start.Pr);
        Assert.Equal("pr-reviewer", start.AgentName);
        Assert.Equal("master", start.HeadRef);
        Assert.Equal("48e773f892a831faa47c0a160d1b7f0cd369ae2a", start.HeadSha);
        Assert.Equal("http://localhost:3000/example2/example.git", start.CloneUrl);
        Assert.Equal("opened:example/example#2@48e773f892a831faa47c0a160d1b7f0cd369ae2a", start.EventKey);
        Assert.Equal(
            """
            Pull request example/example#2: update
            http://localhost:3000/example/example/pulls/2
            Opened by @example2.
            Branch master, head commit 48e773f892a831faa47c0a160d1b7f0cd369ae2a, to be merged into master.

            Description:
            (none)

            Review this pull request: read its diff against the base branch, check that it does what the description says, and point out bugs, risks and missing tests. New commits, comments and reviews on it will follow in this session.
            """.ReplaceLineEndings("\n"),
            start.Task);
    }

    [Theory]
    [InlineData("pull_request", "pull_request", Opened, "example2")]
    [InlineData("pull_request", "pull_request_sync", Synchronized, "test")]
    [InlineData("issue_comment", "issue_comment", CommentOnPr, "Aneesh-Hegde")]
    public void Every_action_names_who_caused_it_so_the_Worker_can_check_their_permission(string family, string type, string capture, string sender)
    {
        var action = GiteaTestData.Map(family, type, GiteaTestData.Bytes(capture));

        Assert.Equal(sender, action.Sender);
    }

    [Theory]
    [InlineData("pull_request", "pull_request", Opened, true)] // example2/example into example/example
    [InlineData("issue_comment", "issue_comment", MentionOnPr, true)] // Celebi_datatransfer's fork
    [InlineData("pull_request", "pull_request", "payloads/pull_request_opened.json", false)]
    [InlineData("pull_request", "pull_request", "captures/pull_request__reopened__forgejo.json", false)]
    [InlineData("pull_request", "pull_request_sync", Synchronized, null)] // head.repo trimmed away
    [InlineData("issue_comment", "issue_comment", MentionOnPr116, null)] // no pull request in a 1.16 comment
    public void Whether_the_head_is_a_forks_is_read_from_the_payload_or_left_to_the_Worker(string family, string type, string capture, bool? fromFork)
    {
        var body = capture.Contains("issue_comment", StringComparison.Ordinal)
            ? GiteaTestData.Edited(capture, node => node["comment"]!["body"] = "@botbottle have a look")
            : GiteaTestData.Bytes(capture);

        var action = GiteaTestData.Map(family, type, body);

        Assert.IsNotType<Ignore>(action);
        Assert.Equal(fromFork, action.FromFork);
    }

    [Theory]
    [InlineData("@botbottle approve", true)]
    [InlineData("  @BotBottle Approve.\n", true)]
    [InlineData("@botbottle approve this and also delete the tests", false)]
    [InlineData("@botbottle approve cabcb95133", true)] // naming the commit reviewed
    [InlineData("@botbottle approve everything", false)]
    [InlineData("I approve, @botbottle", false)]
    [InlineData("@botbottle-dev approve", false)]
    public void Only_a_comment_that_is_the_mention_and_approve_alone_approves_the_head(string comment, bool approves)
    {
        var action = GiteaTestData.Map("issue_comment", "issue_comment", GiteaTestData.Edited(CommentOnPr, node => node["comment"]!["body"] = comment));

        if (approves)
        {
            var approve = Assert.IsType<ApproveHead>(action);
            Assert.Equal(("cabcb9513308844c015a6b3dd804c5618875b447", "comment", "Aneesh-Hegde"), (approve.HeadSha, approve.Via, approve.Sender));
        }
        else
        {
            Assert.IsNotType<ApproveHead>(action);
        }
    }

    [Theory]
    [InlineData("botbottle-approved", "botbottle-approved", true)]
    [InlineData("bug", "botbottle-approved", false)]
    [InlineData("botbottle-approved", "", false)]
    [InlineData("botbottle-approved", null, false)] // the default: labels approve nothing
    public void Adding_the_approval_label_approves_the_head_and_other_labels_do_nothing(string label, string? approvalLabel, bool approves)
    {
        var body = GiteaTestData.Edited("captures/pull_request__label_updated.json", node =>
            node["pull_request"]!["labels"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject { ["id"] = 300, ["name"] = label }));

        var action = GiteaTestData.Map("pull_request", "pull_request_label", body, approvalLabel is null ? GiteaTestData.Policy : GiteaTestData.Policy with { ApprovalLabel = approvalLabel });

        Assert.Equal(approves, action is ApproveHead { Via: "label", HeadSha: "07977177c2cd7d46bad37b8472a9d50e7acb9d1f", Sender: "a_nice_user" });
        Assert.Equal(!approves, action is Ignore);
    }

    [Fact]
    public void Opened_task_carries_the_description_verbatim()
    {
        var start = Assert.IsType<StartAgent>(GiteaTestData.Map("pull_request", "pull_request", GiteaTestData.Bytes("payloads/pull_request_opened.json")));

        Assert.Contains("Description:\nUsing a BSD License\n", start.Task, StringComparison.Ordinal);
        Assert.Equal("https://try.gitea.io/jcitizen/my-repo.git", start.CloneUrl);
        Assert.Equal("feature", start.HeadRef);
    }

    [Fact]
    public void Reopened_starts_again_with_a_key_distinct_from_opened()
    {
        var opened = GiteaTestData.Map("pull_request", "pull_request", GiteaTestData.Bytes("payloads/pull_request_opened.json"));
        var reopened = Assert.IsType<StartAgent>(GiteaTestData.Map("pull_request", "pull_request", GiteaTestData.Bytes("payloads/pull_request_reopened.json")));

        Assert.Contains("It was closed and has been reopened.", reopened.Task, StringComparison.Ordinal);
        Assert.StartsWith("reopened:jcitizen/my-repo#1@", reopened.EventKey, StringComparison.Ordinal);
        Assert.NotEqual(opened.EventKey, reopened.EventKey);
    }

    [Fact]
    public void A_late_opened_event_for_a_pr_that_is_already_closed_is_ignored()
    {
        var body = GiteaTestData.Edited(Opened, n => n["pull_request"]!["state"] = "closed");

        var ignore = Assert.IsType<Ignore>(GiteaTestData.Map("pull_request", "pull_request", body));

        Assert.Equal("PR example/example#2 is closed", ignore.Reason);
        Assert.Equal(new PrKey("example/example", 2), ignore.Pr);
    }

    [Fact]
    public void Synchronized_resumes_with_the_new_head_and_the_base_clone_url_when_the_head_repo_is_absent()
    {
        var resume = Assert.IsType<ResumeAgent>(GiteaTestData.Map("pull_request", "pull_request_sync", GiteaTestData.Bytes(Synchronized)));

        Assert.Equal(new PrKey("Test-CI/multi-line-secrets", 2), resume.Pr);
        Assert.Equal("788ed8d02d3b7fcfcf6386dbcbca696aa1d4dc25", resume.HeadSha);
        Assert.Equal("http://127.0.0.1:3000/Test-CI/multi-line-secrets.git", resume.CloneUrl);
        Assert.Equal("sync:test-ci/multi-line-secrets#2@788ed8d02d3b7fcfcf6386dbcbca696aa1d4dc25", resume.EventKey);
        Assert.Equal(
            "New commits were pushed by @test to pull request Test-CI/multi-line-secrets#2 (branch test-patch-1); its head is now 788ed8d02d3b7fcfcf6386dbcbca696aa1d4dc25.\n"
            + "Fetch the branch, review the diff since the commit you last reviewed, and follow up on what you raised before.",
            resume.Prompt);
    }

    [Fact]
    public void Commits_pushed_by_the_bot_itself_do_not_wake_it()
    {
        var body = GiteaTestData.Edited(Synchronized, n => n["sender"]!["login"] = "BotBottle");

        var ignore = Assert.IsType<Ignore>(GiteaTestData.Map("pull_request", "pull_request_sync", body));

        Assert.Contains("by the bot itself", ignore.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_pushes_have_two_keys()
    {
        var first = GiteaTestData.Map("pull_request", "pull_request_sync", GiteaTestData.Bytes(Synchronized));
        var second = GiteaTestData.Map("pull_request", "pull_request_sync", GiteaTestData.Edited(Synchronized, n => n["pull_request"]!["head"]!["sha"] = "0123456789abcdef0123456789abcdef01234567"));

        Assert.NotEqual(first.EventKey, second.EventKey);
    }

    [Theory]
    [InlineData("captures/pull_request__closed.json", false)]
    [InlineData("captures/pull_request__closed_merged.json", true)]
    public void Closed_cleans_up_merged_or_not(string file, bool merged)
    {
        var cleanUp = Assert.IsType<CleanUp>(GiteaTestData.Map("pull_request", "pull_request", GiteaTestData.Bytes(file)));

        Assert.Equal(new PrKey("anbraten/test-repo", 1), cleanUp.Pr);
        Assert.Equal(merged, cleanUp.Merged);
        Assert.StartsWith("closed:anbraten/test-repo#1:2023-12-05T18:", cleanUp.EventKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Closing_again_after_a_reopen_is_a_new_event()
    {
        var first = GiteaTestData.Map("pull_request", "pull_request", GiteaTestData.Bytes("captures/pull_request__closed.json"));
        var again = GiteaTestData.Map("pull_request", "pull_request", GiteaTestData.Edited("captures/pull_request__closed.json", n =>
        {
            n["pull_request"]!["closed_at"] = "2023-12-06T09:00:00Z";
            n["pull_request"]!["updated_at"] = "2023-12-06T09:00:00Z";
        }));

        Assert.IsType<CleanUp>(again);
        Assert.NotEqual(first.EventKey, again.EventKey);
    }

    [Fact]
    public void Mentioning_comment_on_a_pr_resumes_with_the_comment_and_its_author()
    {
        var body = GiteaTestData.Edited(CommentOnPr, n => n["comment"]!["body"] = "@BotBottle could you also handle the empty list?\n\nThanks!");

        var resume = Assert.IsType<ResumeAgent>(GiteaTestData.Map("issue_comment", "pull_request_comment", body));

        Assert.Equal(new PrKey("Aneesh-Hegde/gitea-webhook", 3), resume.Pr);
        Assert.Equal(
            "@Aneesh-Hegde commented on pull request Aneesh-Hegde/gitea-webhook#3 (https://gitea.com/Aneesh-Hegde/gitea-webhook/pulls/3#issuecomment-1043451):\n\n"
            + "@BotBottle could you also handle the empty list?\n\nThanks!",
            resume.Prompt);
        Assert.Equal("cabcb9513308844c015a6b3dd804c5618875b447", resume.HeadSha);
        Assert.Equal("https://gitea.com/Celebi_datatransfer/gitea-webhook.git", resume.CloneUrl);
        Assert.Equal("comment:1043451:created", resume.EventKey);
    }

    [Fact]
    public void Mentioning_comment_from_gitea_1_16_resumes_without_head_or_clone_url()
    {
        var body = GiteaTestData.Edited(CommentOnPr116, n => n["comment"]!["body"] = "please rebase, @botbottle");

        var resume = Assert.IsType<ResumeAgent>(GiteaTestData.Map("issue_comment", "pull_request_comment", body));

        Assert.Equal(new PrKey("example/example", 2), resume.Pr);
        Assert.Null(resume.HeadSha);
        Assert.Null(resume.CloneUrl);
        Assert.EndsWith(":\n\nplease rebase, @botbottle", resume.Prompt, StringComparison.Ordinal);
        Assert.StartsWith("@example commented on pull request example/example#2", resume.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bots_own_comment_is_ignored_even_when_it_mentions_itself()
    {
        var body = GiteaTestData.Edited(CommentOnPr, n =>
        {
            n["comment"]!["body"] = "Done, @botbottle signing off.";
            n["comment"]!["user"]!["login"] = "botbottle";
            n["sender"]!["login"] = "botbottle";
        });

        var ignore = Assert.IsType<Ignore>(GiteaTestData.Map("issue_comment", "pull_request_comment", body));

        Assert.Contains("by the bot itself", ignore.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edited")]
    [InlineData("deleted")]
    public void Edited_or_deleted_mentioning_comments_are_ignored(string action)
    {
        var body = GiteaTestData.Edited(CommentOnPr, n =>
        {
            n["action"] = action;
            n["comment"]!["body"] = "@botbottle please look again";
        });

        var ignore = Assert.IsType<Ignore>(GiteaTestData.Map("issue_comment", "pull_request_comment", body));

        Assert.Equal($"comment on Aneesh-Hegde/gitea-webhook#3 {action}; only new comments wake the agent", ignore.Reason);
        Assert.Equal($"comment:1043451:{action}", ignore.EventKey);
    }

    [Fact]
    public void Mentioning_comment_on_a_plain_issue_is_ignored()
    {
        var body = GiteaTestData.Edited("captures/issue_comment__created_on_issue.json", n => n["comment"]!["body"] = "@botbottle fix this");

        var ignore = Assert.IsType<Ignore>(GiteaTestData.Map("issue_comment", "issue_comment", body));

        Assert.Equal("comment on issue example/example#1, which is not a pull request", ignore.Reason);
        Assert.Null(ignore.Pr);
    }

    [Fact]
    public void Mentioning_comment_on_a_closed_pr_is_ignored()
    {
        var body = GiteaTestData.Edited(CommentOnPr116, n =>
        {
            n["comment"]!["body"] = "@botbottle one more thing";
            n["issue"]!["state"] = "closed";
        });

        var ignore = Assert.IsType<Ignore>(GiteaTestData.Map("issue_comment", "pull_request_comment", body));

        Assert.Equal("PR example/example#2 is closed", ignore.Reason);
    }

    [Fact]
    public void A_custom_mention_replaces_the_login()
    {
        var policy = GiteaTestData.Policy with { Mention = "/agent" };
        var mentioned = GiteaTestData.Edited(CommentOnPr116, n => n["comment"]!["body"] = "/agent run the tests");
        var byLogin = GiteaTestData.Edited(CommentOnPr116, n => n["comment"]!["body"] = "@botbottle run the tests");

        Assert.IsType<ResumeAgent>(GiteaTestData.Map("issue_comment", "pull_request_comment", mentioned, policy));
        Assert.Contains("does not mention /agent", Assert.IsType<Ignore>(GiteaTestData.Map("issue_comment", "pull_request_comment", byLogin, policy)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Approval_resumes_with_the_verdict_and_content()
    {
        var resume = Assert.IsType<ResumeAgent>(GiteaTestData.Map("pull_request_approved", "pull_request_review_approved", GiteaTestData.Bytes(Approved)));

        Assert.Equal(new PrKey("a_nice_user/hello_world_ci", 7), resume.Pr);
        Assert.Equal(
            "@a_nice_user reviewed pull request a_nice_user/hello_world_ci#7 at commit 07977177c2cd7d46bad37b8472a9d50e7acb9d1f and approved it:\n\njuhu thats a great idea",
            resume.Prompt);
        Assert.Equal("07977177c2cd7d46bad37b8472a9d50e7acb9d1f", resume.HeadSha);
        Assert.Equal("https://gitea.com/a_nice_user/hello_world_ci.git", resume.CloneUrl);
        Assert.StartsWith("review:a_nice_user/hello_world_ci#7@07977177c2cd7d46bad37b8472a9d50e7acb9d1f:a_nice_user:approved:", resume.EventKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Legacy_review_comment_resumes_like_a_modern_one()
    {
        var resume = Assert.IsType<ResumeAgent>(GiteaTestData.Map("issue_comment", "pull_request_comment", GiteaTestData.Bytes("captures/issue_comment__reviewed__legacy_pre_1.19.1.json")));

        Assert.Equal(new PrKey("example/example", 2), resume.Pr);
        Assert.Equal("@example reviewed pull request example/example#2 at commit 48e773f892a831faa47c0a160d1b7f0cd369ae2a and left a review comment:\n\n123", resume.Prompt);
        Assert.StartsWith("review:example/example#2@", resume.EventKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_without_text_still_resumes()
    {
        var body = GiteaTestData.Edited(Approved, n => n["review"]!["content"] = "");

        var resume = Assert.IsType<ResumeAgent>(GiteaTestData.Map("pull_request_approved", null, body));

        Assert.EndsWith("approved it:\n\n(no text)", resume.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Reviews_by_the_bot_are_ignored()
    {
        var body = GiteaTestData.Edited("captures/pull_request_rejected__reviewed.json", n => n["sender"]!["login"] = "botbottle");

        var ignore = Assert.IsType<Ignore>(GiteaTestData.Map("pull_request_rejected", "pull_request_review_rejected", body));

        Assert.Contains("by the bot itself", ignore.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_on_a_closed_pr_is_ignored()
    {
        var body = GiteaTestData.Edited(Approved, n => n["pull_request"]!["state"] = "closed");

        Assert.Equal("PR a_nice_user/hello_world_ci#7 is closed", Assert.IsType<Ignore>(GiteaTestData.Map("pull_request_approved", null, body)).Reason);
    }

    [Fact]
    public void Two_reviewers_approving_the_same_commit_are_two_events_and_a_review_id_wins()
    {
        var first = GiteaTestData.Map("pull_request_approved", null, GiteaTestData.Bytes(Approved));
        var second = GiteaTestData.Map("pull_request_approved", null, GiteaTestData.Edited(Approved, n => n["sender"]!["login"] = "someone_else"));
        var withId = GiteaTestData.Map("pull_request_approved", null, GiteaTestData.Edited(Approved, n => n["review"]!["id"] = 99));

        Assert.NotEqual(first.EventKey, second.EventKey);
        Assert.Equal("review:99", withId.EventKey);
    }

    [Fact]
    public void Repository_outside_the_policy_is_ignored_by_name()
    {
        var policy = GiteaTestData.Policy with { Repositories = ["someone/else"] };

        var ignore = Assert.IsType<Ignore>(GiteaTestData.Map("pull_request", "pull_request", GiteaTestData.Bytes(Opened), policy));

        Assert.Equal("repository example/example is not in the policy's repository list", ignore.Reason);
        Assert.Equal(new PrKey("example/example", 2), ignore.Pr);
    }

    [Fact]
    public void Empty_repository_list_allows_nothing_and_says_so()
    {
        var policy = GiteaTestData.Policy with { Repositories = [] };

        var ignore = Assert.IsType<Ignore>(GiteaTestData.Map("pull_request", "pull_request", GiteaTestData.Bytes(Opened), policy));

        Assert.Equal("no repository is allowed (the policy's repository list is empty), so example/example is ignored", ignore.Reason);
    }

    [Fact]
    public void Repository_names_are_compared_case_insensitively()
    {
        var policy = GiteaTestData.Policy with { Repositories = ["EXAMPLE/Example"] };

        Assert.IsType<StartAgent>(GiteaTestData.Map("pull_request", "pull_request", GiteaTestData.Bytes(Opened), policy));
    }

    [Fact]
    public void A_close_is_acted_on_only_in_allowed_repositories()
    {
        var policy = GiteaTestData.Policy with { Repositories = ["example/example"] };

        Assert.IsType<Ignore>(GiteaTestData.Map("pull_request", "pull_request", GiteaTestData.Bytes("captures/pull_request__closed.json"), policy));
    }

    [Theory]
    [InlineData("", "pr-reviewer")]
    [InlineData("botbottle", " ")]
    public void An_unusable_policy_fails_loudly(string botLogin, string agentName)
    {
        var policy = GiteaTestData.Policy with { BotLogin = botLogin, AgentName = agentName };
        var e = GiteaTestData.ParseFile(Opened, "pull_request", "pull_request");

        Assert.Throws<ArgumentException>(() => PrActionMapper.Map(e, policy));
    }

    [Fact]
    public void An_event_built_without_its_parts_is_ignored_not_thrown()
    {
        var e = new GiteaEvent("pull_request", null, GiteaEventKind.PullRequest, "opened", null);

        var ignore = Assert.IsType<Ignore>(PrActionMapper.Map(e, GiteaTestData.Policy));

        Assert.Contains("without the parts it needs", ignore.Reason, StringComparison.Ordinal);
    }
}
