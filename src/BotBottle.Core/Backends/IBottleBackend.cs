using BotBottle.Core.Bottles;
using BotBottle.Core.Manifest;

namespace BotBottle.Core.Backends;

/// <summary>
/// Turns a <see cref="BottleSpec"/> into an isolated running bottle and back. The Docker backend is
/// the one shipped; the seam exists so a VM backend can sit beside it.
/// </summary>
public interface IBottleBackend
{
    /// <summary>The name shown in listings, e.g. "docker".</summary>
    string Name { get; }

    /// <summary>Allocates a slug and state directory, writes metadata.json and provisions the workspace. Nothing runs yet.</summary>
    Task<PreparedBottle> PrepareAsync(BottleSpec spec, WorkspaceSource workspace, CancellationToken cancellationToken);

    /// <summary>The prepared form of an existing bottle, to relaunch it (a resume) from its state directory.</summary>
    PreparedBottle Reopen(string slug, AgentManifest manifest);

    /// <summary>Starts the bottle's container; restores its transcript snapshot when one exists. Returns the running instance's id.</summary>
    Task<string> LaunchAsync(PreparedBottle bottle, CancellationToken cancellationToken);

    /// <summary>Every bottle this backend knows to be up, including those whose container vanished.</summary>
    Task<IReadOnlyList<ActiveAgent>> EnumerateAsync(CancellationToken cancellationToken);

    /// <summary>Runs a command in the bottle as its agent user, streaming output lines as they come.</summary>
    Task<ExecOutcome> ExecAsync(string slug, IReadOnlyList<string> command, IProgress<OutputLine>? output, CancellationToken cancellationToken);

    /// <summary>Copies the workspace and the harness's state directory out of the bottle into &lt;state&gt;/&lt;slug&gt;.</summary>
    Task SnapshotTranscriptAsync(string slug, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="SnapshotTranscriptAsync"/>, but only from <paramref name="instance"/> (what
    /// <see cref="LaunchAsync"/> returned), and nothing when that instance is gone: a relaunch of
    /// the same bottle elsewhere (another Worker took its job over) must not be copied over.
    /// </summary>
    Task SnapshotInstanceAsync(string slug, string instance, CancellationToken cancellationToken);

    /// <summary>
    /// Removes exactly what one launch created (its container, proxy and network), whatever was
    /// launched under the same slug since; the state directory stays. Nothing happens for what is
    /// already gone. Returns whether it was still the bottle's current instance (nothing relaunched
    /// the bottle since), that is, whether the bottle is now down.
    /// </summary>
    Task<bool> ReleaseInstanceAsync(string slug, string instance, CancellationToken cancellationToken);

    /// <summary>Removes the container, network and sidecars; the state directory goes only when <paramref name="deleteState"/>.</summary>
    Task TeardownAsync(string slug, bool deleteState, CancellationToken cancellationToken);
}
