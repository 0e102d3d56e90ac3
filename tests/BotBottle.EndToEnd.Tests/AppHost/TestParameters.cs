using Microsoft.Extensions.Configuration.UserSecrets;

namespace BotBottle.EndToEnd.Tests.AppHost;

/// <summary>
/// The AppHost's generated secret parameters, given values of the tests' own. The tests run the
/// real AppHost, whose user-secrets id is the developer's; in the Testing environment user secrets
/// are not read, so every parameter would be generated anew and persisted over the developer's
/// (signing the team out and breaking every CLI config). Given here, nothing is generated or written.
/// </summary>
public static class TestParameters
{
    public const string UserSecretsId = "botbottle-apphost";

    private static readonly string[] Parameters =
    [
        "--Parameters:api-token=test-api-token-0123456789abcdefghij",
        "--Parameters:team-secret=test-team-secret-0123456789",
        "--Parameters:worker-token=test-worker-token-0123456789abcdefgh",
        "--Parameters:redis-password=test-redis-password-0123",
    ];

    /// <summary>The AppHost's arguments for a test: the test values first, then <paramref name="extra"/>.</summary>
    public static string[] Args(params string[] extra) => [.. Parameters, .. extra];

    /// <summary>The developer's user-secrets file for the AppHost, as it is now (null when there is none).</summary>
    public static string? DeveloperSecrets()
    {
        var path = PathHelper.GetSecretsPathFromSecretsId(UserSecretsId);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }
}
