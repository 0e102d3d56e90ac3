using BotBottle.Core.Egress;
using BotBottle.Core.Harnesses;

namespace BotBottle.Worker.Egress;

/// <summary>
/// What a bottle's sidecar adds on the bottle's behalf and the bottle never holds: the harness's
/// model credential and the Git host's token for the PR's repository. Both print redacted.
/// </summary>
public sealed record SidecarSecrets(BrokeredCredential? HarnessApi, BrokeredGitCredential? Git)
{
    public static SidecarSecrets None { get; } = new(null, null);

    public bool IsEmpty => HarnessApi is null && Git is null;
}
