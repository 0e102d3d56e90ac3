using BotBottle.Core.Webhooks;

namespace BotBottle.Core.Tests.Webhooks;

/// <summary>
/// Every real payload in tests/TestData/gitea, parsed and mapped under <see cref="GiteaTestData.Policy"/>
/// with the headers Gitea sends for it, and the action it must give.
/// </summary>
public sealed class PrActionMapperDataSetTests
{
    // file, X-Gitea-Event, X-Gitea-Event-Type, expected action, text the reason (Ignore) or task/prompt (Start/Resume) contains.
    public static TheoryData<string, string, string, string, string> Cases() => new()
    {
        { "captures/pull_request__opened.json", "pull_request", "pull_request", "StartAgent", "Pull request example/example#2: update" },
        { "captures/pull_request__reopened__forgejo.json", "pull_request", "pull_request", "StartAgent", "reopened" },
        { "captures/pull_request__synchronized.json", "pull_request", "pull_request_sync", "ResumeAgent", "its head is now 788ed8d02d3b7fcfcf6386dbcbca696aa1d4dc25" },
        { "captures/pull_request__closed.json", "pull_request", "pull_request", "CleanUp", "not merged" },
        { "captures/pull_request__closed_merged.json", "pull_request", "pull_request", "CleanUp", "merged" },
        { "captures/pull_request__edited_title.json", "pull_request", "pull_request", "Ignore", "title or description edited" },
        { "captures/pull_request__label_updated.json", "pull_request", "pull_request_label", "Ignore", "labels changed" },
        { "captures/pull_request__review_requested.json", "pull_request", "pull_request_review_request", "Ignore", "review requested" },
        { "captures/pull_request_approved__reviewed.json", "pull_request_approved", "pull_request_review_approved", "ResumeAgent", "approved it:\n\njuhu thats a great idea" },
        { "captures/pull_request_rejected__reviewed.json", "pull_request_rejected", "pull_request_review_rejected", "ResumeAgent", "requested changes:\n\nI decided otherwhies :O" },
        { "captures/pull_request_comment__reviewed.json", "pull_request_comment", "pull_request_review_comment", "ResumeAgent", "left a review comment:\n\nand somethimes you have to comment" },
        { "captures/issue_comment__reviewed__legacy_pre_1.19.1.json", "issue_comment", "pull_request_comment", "ResumeAgent", "left a review comment:\n\n123" },
        { "captures/issue_comment__created_on_pr.json", "issue_comment", "pull_request_comment", "Ignore", "does not mention @botbottle" },
        { "captures/issue_comment__created_on_pr__gitea1.16.json", "issue_comment", "pull_request_comment", "Ignore", "does not mention @botbottle" },
        { "captures/issue_comment__created_on_issue.json", "issue_comment", "issue_comment", "Ignore", "not a pull request" },
        { "payloads/pull_request_opened.json", "pull_request", "pull_request", "StartAgent", "Using a BSD License" },
        { "payloads/pull_request_reopened.json", "pull_request", "pull_request", "StartAgent", "reopened" },
        { "payloads/pull_request_synchronized.json", "pull_request", "pull_request_sync", "ResumeAgent", "its head is now 2eba238e33607c1fa49253182e9fff42baafa1eb" },
        { "payloads/pull_request_closed.json", "pull_request", "pull_request", "CleanUp", "not merged" },
        { "payloads/pull_request_merged.json", "pull_request", "pull_request", "CleanUp", "merged" },
        { "payloads/pull_request_edited.json", "pull_request", "pull_request", "Ignore", "title or description edited" },
        { "payloads/pull_request_review_approved.json", "pull_request_approved", "pull_request_review_approved", "ResumeAgent", "@jcitizen reviewed pull request jcitizen/my-repo#1" },
        { "payloads/pull_request_comment_created.json", "issue_comment", "pull_request_comment", "Ignore", "does not mention @botbottle" },
        { "payloads/pull_request_comment_edited.json", "issue_comment", "pull_request_comment", "Ignore", "edited; only new comments" },
        { "payloads/pull_request_comment_deleted.json", "issue_comment", "pull_request_comment", "Ignore", "deleted; only new comments" },
        { "payloads/issue_comment_created.json", "issue_comment", "issue_comment", "Ignore", "not a pull request" },
        { "payloads/issues_opened.json", "issues", "issues", "Ignore", "issue events are not acted on" },
        { "payloads/push.json", "push", "push", "Ignore", "push events are not acted on" },
    };

    [Fact]
    public void The_cases_cover_every_payload_file_in_the_data_set()
    {
        var covered = Cases().Select(row => (string)row[0]).Order(StringComparer.Ordinal);

        Assert.Equal(GiteaTestData.AllPayloadFiles(), covered);
        Assert.Equal(28, GiteaTestData.AllPayloadFiles().Count);
    }

    [Fact]
    public void The_cases_use_the_headers_recorded_for_each_capture()
    {
        var cases = Cases().ToDictionary(row => (string)row[0], row => ((string)row[1], (string)row[2]));

        foreach (var headersFile in GiteaTestData.CaptureHeaderFiles())
        {
            var headers = GiteaTestData.Headers(headersFile);
            Assert.Equal((headers.GiteaEvent, headers.GiteaEventType), cases[headers.BodyFile]);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_payload_maps_to_its_expected_action(string file, string family, string type, string expected, string text)
    {
        var action = GiteaTestData.Map(family, type, GiteaTestData.Bytes(file));

        AssertAction(expected, text, action);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Older_gitea_without_x_gitea_event_type_gets_the_same_action(string file, string family, string type, string expected, string text)
    {
        _ = type;
        var action = GiteaTestData.Map(family, null, GiteaTestData.Bytes(file));

        AssertAction(expected, text, action);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_redelivery_of_the_same_body_has_the_same_event_key(string file, string family, string type, string expected, string text)
    {
        _ = (expected, text);
        var first = GiteaTestData.Map(family, type, GiteaTestData.Bytes(file));
        var again = GiteaTestData.Map(family, type, GiteaTestData.Bytes(file));

        Assert.False(string.IsNullOrWhiteSpace(first.EventKey));
        Assert.Equal(first, again);
    }

    [Fact]
    public void Event_keys_across_the_data_set_are_distinct()
    {
        var keys = Cases().Select(row => GiteaTestData.Map((string)row[1], (string)row[2], GiteaTestData.Bytes((string)row[0])).EventKey).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    private static void AssertAction(string expected, string text, PrAction action)
    {
        Assert.Equal(expected, action.GetType().Name);
        switch (action)
        {
            case StartAgent start:
                Assert.Contains(text, start.Task, StringComparison.Ordinal);
                break;
            case ResumeAgent resume:
                Assert.Contains(text, resume.Prompt, StringComparison.Ordinal);
                break;
            case CleanUp cleanUp:
                Assert.Equal(text == "merged", cleanUp.Merged);
                break;
            case Ignore ignore:
                Assert.Contains(text, ignore.Reason, StringComparison.Ordinal);
                break;
            default:
                Assert.Fail($"unexpected {action}");
                break;
        }
    }
}
