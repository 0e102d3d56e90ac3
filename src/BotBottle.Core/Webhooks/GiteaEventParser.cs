using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace BotBottle.Core.Webhooks;

/// <summary>
/// Reads a Gitea (or Forgejo) webhook body into a <see cref="GiteaEvent"/>. It reads with
/// <see cref="JsonDocument"/> rather than strict models: payloads differ across versions (1.16 to 1.23+
/// in the test data) and third parties trim them, so unknown fields and nulls are fine and only what
/// the mapping needs is required:
/// <list type="bullet">
/// <item>pull request events and reviews: action, repository full_name and clone_url, the PR number, head ref and head sha;</item>
/// <item>comments: action, repository, issue number, comment id;</item>
/// <item>anything else: nothing (it is ignored; the repository is read when present).</item>
/// </list>
/// </summary>
public static class GiteaEventParser
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <param name="eventFamily">The <c>X-Gitea-Event</c> header.</param>
    /// <param name="eventType">The <c>X-Gitea-Event-Type</c> header; older Gitea does not send it.</param>
    /// <param name="json">The raw body.</param>
    public static GiteaParseResult Parse(string? eventFamily, string? eventType, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(eventFamily, eventType, Encoding.UTF8.GetBytes(json));
    }

    /// <inheritdoc cref="Parse(string?, string?, string)"/>
    public static GiteaParseResult Parse(string? eventFamily, string? eventType, ReadOnlySpan<byte> json)
    {
        var type = Normalise(eventType);
        var family = Normalise(eventFamily) ?? FamilyOf(type);
        if (family is null)
        {
            return GiteaParseResult.Failure(GiteaParseErrorKind.MissingEventHeader, "no X-Gitea-Event header");
        }

        JsonDocument document;
        try
        {
            document = ReadDocument(json);
        }
        catch (JsonException e)
        {
            return GiteaParseResult.Failure(GiteaParseErrorKind.MalformedJson, e.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return GiteaParseResult.Failure(
                    GiteaParseErrorKind.MissingField, $"the body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object");
            }

            var action = root.String("action");
            return Classify(family, type, action, root) switch
            {
                GiteaEventKind.Comment => ParseComment(family, type, action, root),
                GiteaEventKind.Other => GiteaParseResult.Success(
                    new GiteaEvent(family, type, GiteaEventKind.Other, action, OptionalRepository(root), SenderLogin: SenderOf(root))),
                var kind => ParsePullRequestEvent(family, type, kind, action, root),
            };
        }
    }

    // Utf8JsonReader does not skip a byte order mark the way JsonDocument.Parse(string) would, and
    // ParseValue stops after one value, so trailing content is checked for explicitly.
    private static JsonDocument ReadDocument(ReadOnlySpan<byte> json)
    {
        if (json.StartsWith(Utf8Bom))
        {
            json = json[Utf8Bom.Length..];
        }

        var reader = new Utf8JsonReader(json);
        var document = JsonDocument.ParseValue(ref reader);
        try
        {
            if (reader.Read())
            {
                throw new JsonException("unexpected content after the JSON value");
            }
        }
        catch
        {
            document.Dispose();
            throw;
        }

        return document;
    }

    private static string? Normalise(string? header) =>
        string.IsNullOrWhiteSpace(header) ? null : header.Trim().ToLowerInvariant();

    // Gitea's HookEventType.Event(): the X-Gitea-Event value for each X-Gitea-Event-Type, used only
    // when a proxy or client dropped X-Gitea-Event but kept the precise type.
    private static string? FamilyOf(string? type) => type switch
    {
        null => null,
        "issue_assign" or "issue_label" or "issue_milestone" => "issues",
        "pull_request_assign" or "pull_request_label" or "pull_request_milestone"
            or "pull_request_sync" or "pull_request_review_request" => "pull_request",
        "pull_request_comment" => "issue_comment",
        "pull_request_review_approved" => "pull_request_approved",
        "pull_request_review_rejected" => "pull_request_rejected",
        "pull_request_review_comment" => "pull_request_comment",
        _ => type,
    };

    private static GiteaEventKind Classify(string family, string? type, string? action, JsonElement root)
    {
        if (VerdictOfFamily(family) is not null || VerdictOfType(type) is not null)
        {
            return GiteaEventKind.Review;
        }

        return family switch
        {
            "issue_comment" => IsLegacyReview(action, root) ? GiteaEventKind.Review : GiteaEventKind.Comment,
            "pull_request" => action == "synchronized" || type == "pull_request_sync"
                ? GiteaEventKind.PullRequestSync
                : GiteaEventKind.PullRequest,
            _ => GiteaEventKind.Other,
        };
    }

    // Before Gitea 1.19.1 (PR #23650) a review submitted as "Comment" went out as X-Gitea-Event
    // issue_comment, but with a pull request payload: action "reviewed", a review object, no comment.
    private static bool IsLegacyReview(string? action, JsonElement root) =>
        action == "reviewed" && root.Object("review") is not null && root.Object("comment") is null;

    // As an X-Gitea-Event value "pull_request_comment" is a review comment...
    private static ReviewVerdict? VerdictOfFamily(string family) => family switch
    {
        "pull_request_approved" => ReviewVerdict.Approved,
        "pull_request_rejected" => ReviewVerdict.ChangesRequested,
        "pull_request_comment" => ReviewVerdict.Comment,
        _ => null,
    };

    // ...but as an X-Gitea-Event-Type it is a timeline comment, so only the review types count here.
    private static ReviewVerdict? VerdictOfType(string? type) => type switch
    {
        "pull_request_review_approved" => ReviewVerdict.Approved,
        "pull_request_review_rejected" => ReviewVerdict.ChangesRequested,
        "pull_request_review_comment" => ReviewVerdict.Comment,
        _ => null,
    };

    // review.type names the hook type; before 1.19.1 a comment review said "pull_request_comment".
    private static ReviewVerdict VerdictOf(string family, string? type, string? reviewType) =>
        VerdictOfFamily(family) ?? VerdictOfType(type) ?? VerdictOfType(reviewType) ?? ReviewVerdict.Comment;

    private static GiteaParseResult ParsePullRequestEvent(string family, string? type, GiteaEventKind kind, string? action, JsonElement root)
    {
        if (action is null)
        {
            return Missing("action");
        }

        if (!TryReadRepository(root, out var repository, out var missing))
        {
            return Missing(missing);
        }

        if (!TryReadPullRequest(root.Object("pull_request"), root.Int("number"), out var pullRequest, out missing))
        {
            return Missing(missing);
        }

        GiteaReview? review = null;
        if (kind == GiteaEventKind.Review)
        {
            if (root.Object("review") is not { } reviewJson)
            {
                return Missing("review");
            }

            var reviewType = reviewJson.String("type");
            review = new GiteaReview(VerdictOf(family, type, reviewType), reviewType, reviewJson.String("content") ?? "", reviewJson.Long("id"));
        }

        return GiteaParseResult.Success(new GiteaEvent(
            family, type, kind, action, repository, pullRequest, Review: review, SenderLogin: SenderOf(root)));
    }

    private static GiteaParseResult ParseComment(string family, string? type, string? action, JsonElement root)
    {
        if (action is null)
        {
            return Missing("action");
        }

        if (!TryReadRepository(root, out var repository, out var missing))
        {
            return Missing(missing);
        }

        if (root.Object("issue") is not { } issueJson || issueJson.Int("number") is not { } issueNumber || issueNumber <= 0)
        {
            return Missing("issue.number");
        }

        if (root.Object("comment") is not { } commentJson || commentJson.Long("id") is not { } commentId)
        {
            return Missing("comment.id");
        }

        // issue.pull_request is set for pull requests only; 1.16 payloads also carry is_pull.
        var isPullRequest = issueJson.Object("pull_request") is not null || root.Bool("is_pull") == true;
        var issue = new GiteaIssue(
            issueNumber,
            issueJson.String("title") ?? "",
            issueJson.String("state"),
            isPullRequest,
            issueJson.String("html_url"));
        var comment = new GiteaComment(
            commentId,
            commentJson.String("body") ?? "",
            commentJson.Object("user")?.String("login"),
            commentJson.String("html_url"));

        // Gitea 1.23+ adds the pull request itself; older servers do not, and a partial one is no help.
        var pullRequest = isPullRequest && TryReadPullRequest(root.Object("pull_request"), issue.Number, out var pr, out _) ? pr : null;

        return GiteaParseResult.Success(new GiteaEvent(
            family, type, GiteaEventKind.Comment, action, repository, pullRequest, issue, comment, SenderLogin: SenderOf(root)));
    }

    private static GiteaRepository? OptionalRepository(JsonElement root) =>
        TryReadRepository(root, out var repository, out _) ? repository : null;

    private static bool TryReadRepository(
        JsonElement root,
        [NotNullWhen(true)] out GiteaRepository? repository,
        [NotNullWhen(false)] out string? missing)
    {
        var json = root.Object("repository");
        var fullName = json?.String("full_name");
        var cloneUrl = json?.String("clone_url");
        repository = null;
        if (!PrKey.IsValidFullName(fullName))
        {
            missing = "repository.full_name (owner/name)";
            return false;
        }

        if (string.IsNullOrEmpty(cloneUrl))
        {
            missing = "repository.clone_url";
            return false;
        }

        repository = new GiteaRepository(fullName, cloneUrl, json?.String("html_url"));
        missing = null;
        return true;
    }

    private static bool TryReadPullRequest(
        JsonElement? json,
        int? fallbackNumber,
        [NotNullWhen(true)] out GiteaPullRequest? pullRequest,
        [NotNullWhen(false)] out string? missing)
    {
        pullRequest = null;
        if (json is not { } pr)
        {
            missing = "pull_request";
            return false;
        }

        if ((pr.Int("number") ?? fallbackNumber) is not { } number || number <= 0)
        {
            missing = "pull_request.number";
            return false;
        }

        var head = pr.Object("head");
        if (head?.String("ref") is not { Length: > 0 } headRef)
        {
            missing = "pull_request.head.ref";
            return false;
        }

        if (head?.String("sha") is not { Length: > 0 } headSha)
        {
            missing = "pull_request.head.sha";
            return false;
        }

        pullRequest = new GiteaPullRequest(
            number,
            pr.String("title") ?? "",
            pr.String("body") ?? "",
            pr.String("html_url"),
            pr.String("state"),
            pr.Bool("merged") ?? false,
            headRef,
            headSha,
            head?.StringAt("repo.clone_url"),
            pr.StringAt("base.ref"),
            pr.StringAt("user.login"),
            pr.String("updated_at"),
            pr.String("closed_at"),
            head?.StringAt("repo.full_name"),
            LabelsOf(pr));
        missing = null;
        return true;
    }

    private static LabelNames LabelsOf(JsonElement pr) =>
        pr.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array
            ? new(labels.EnumerateArray().Select(label => label.ValueKind == JsonValueKind.Object ? label.String("name") : null).OfType<string>())
            : LabelNames.None;

    private static string? SenderOf(JsonElement root) => root.Object("sender")?.String("login");

    private static GiteaParseResult Missing(string what) =>
        GiteaParseResult.Failure(GiteaParseErrorKind.MissingField, $"missing or invalid: {what}");
}
