using System.Net;
using BotBottle.Core.Backends;
using BotBottle.Core.ClaudeConfig;
using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;
using BotBottle.Core.State;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// What goes into a bottle's home at launch (claude.json, the workspace, the last transcript
/// snapshot, extra files) and what comes back out after a run (the workspace and every harness's
/// state directory, without the harnesses' credential files), copied as tar archives through the engine.
/// </summary>
internal sealed class BottleSnapshots(IDockerClient docker, BottleStateStore state)
{
    public const string WorkspaceDirName = "workspace";

    /// <summary>
    /// Copies the workspace and the harnesses' state out of <paramref name="container"/> (a name or
    /// an id) into the bottle's state directory, each at most <paramref name="maxBytes"/> (the
    /// bottle's disk limit: a snapshot larger than what the bottle could hold is refused).
    /// </summary>
    public async Task SnapshotAsync(string slug, string container, long maxBytes, CancellationToken cancellationToken)
    {
        await SnapshotDirectoryAsync(container, AgentPaths.Workspace, state.BottleDir(slug), WorkspaceDirName, maxBytes, cancellationToken);
        foreach (var harnessState in HarnessStateDirectories())
        {
            var parent = Path.GetDirectoryName(harnessState) ?? "";
            await SnapshotDirectoryAsync(
                container,
                $"{AgentPaths.Home}/{harnessState}",
                Path.Combine(state.TranscriptDir(slug), parent),
                Path.GetFileName(harnessState),
                maxBytes,
                cancellationToken);
        }
    }

    /// <summary>claude.json, the workspace and any transcript snapshot, as one tar rooted at the agent's home.</summary>
    public async Task<Stream> FilesForLaunchAsync(PreparedBottle bottle, CancellationToken cancellationToken)
    {
        var claudeConfig = ClaudeConfigBuilder.Build([AgentPaths.Workspace], bottle.Metadata.Label, bottle.Metadata.Color);
        var builder = new BottleArchiveBuilder();
        builder.AddFile(AgentPaths.ClaudeConfigFile, claudeConfig);
        await builder.AddDirectoryAsync(bottle.WorkspaceDirectory, WorkspaceDirName, cancellationToken);
        foreach (var harnessState in HarnessStateDirectories())
        {
            var snapshot = Path.Combine(state.TranscriptDir(bottle.Slug), harnessState);
            if (Directory.Exists(snapshot))
            {
                await builder.AddDirectoryAsync(snapshot, harnessState, cancellationToken);
            }
        }

        // After the snapshot: a file written for this launch (Codex's provider, with this launch's
        // sidecar address) replaces the copy an earlier run left in the harness's state.
        foreach (var (path, content) in bottle.ExtraFiles)
        {
            builder.AddFile(path, content);
        }

        return builder.Finish();
    }

    private static async Task CopyAtMostAsync(Stream source, Stream target, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long copied = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            copied += read;
            if (copied > limit)
            {
                throw new InvalidOperationException($"the snapshot archive is larger than {limit} bytes; the previous snapshot is kept");
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static IEnumerable<string> HarnessStateDirectories() =>
        Enum.GetValues<Harness>().Select(h => HarnessCatalog.For(h).StateDirectory).Distinct(StringComparer.Ordinal);

    private async Task SnapshotDirectoryAsync(string container, string containerPath, string hostParent, string name, long maxBytes, CancellationToken cancellationToken)
    {
        GetArchiveFromContainerResponse archive;
        try
        {
            archive = await docker.Containers.GetArchiveFromContainerAsync(
                container, new GetArchiveFromContainerParameters { Path = containerPath }, statOnly: false, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }

        // Extract beside the old copy and swap, so a failed snapshot never destroys the previous one.
        var staging = Path.Combine(hostParent, $".{name}.{Guid.NewGuid():N}.incoming");
        // Docker.DotNet's chunked response stream trips TarReader's partial reads; a local copy does not.
        await using (var local = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose))
        {
            await using (archive.Stream)
            {
                // Tar adds a header per entry; twice the data and a margin bounds what is read.
                await CopyAtMostAsync(archive.Stream, local, (maxBytes * 2) + (64L << 20), cancellationToken);
            }

            local.Position = 0;
            try
            {
                await TarArchives.ExtractAsync(local, staging, maxBytes, cancellationToken, HarnessCredentials.IsCredentialFile);
            }
            catch
            {
                Directory.Delete(staging, recursive: true);
                throw;
            }
        }

        var target = Path.Combine(hostParent, name);
        var previous = $"{target}.{Guid.NewGuid():N}.previous";
        if (Directory.Exists(target))
        {
            Directory.Move(target, previous);
        }

        Directory.Move(Path.Combine(staging, name), target);
        Directory.Delete(staging, recursive: true);
        if (Directory.Exists(previous))
        {
            Directory.Delete(previous, recursive: true);
        }
    }
}
