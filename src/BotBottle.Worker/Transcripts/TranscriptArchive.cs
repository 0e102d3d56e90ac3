using System.Formats.Tar;
using System.IO.Compression;
using BotBottle.Core.Harnesses;
using BotBottle.Core.State;

namespace BotBottle.Worker.Transcripts;

/// <summary>
/// A bottle's transcript snapshot as one .tar.gz: its metadata.json and the harness state copied
/// out after each run (<c>transcript/</c>). Links are left out: the snapshot was written by the
/// agent, and a link could point anywhere on this host. So are the harnesses' credential files.
/// </summary>
public static class TranscriptArchive
{
    public static string FileName(string slug) => $"botbottle-{slug}-transcript.tar.gz";

    public static async Task WriteAsync(string bottleDirectory, Stream output, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        var metadata = Path.Combine(bottleDirectory, BottleStateStore.MetadataFileName);
        if (File.Exists(metadata))
        {
            await tar.WriteEntryAsync(metadata, BottleStateStore.MetadataFileName, cancellationToken);
        }

        var transcript = Path.Combine(bottleDirectory, BottleStateStore.TranscriptDirName);
        if (!Directory.Exists(transcript))
        {
            return;
        }

        var files = Directory.EnumerateFiles(transcript, "*", new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = true,
        });
        foreach (var file in files.Where(f => !HarnessCredentials.IsCredentialFile(Path.GetFileName(f))).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(bottleDirectory, file).Replace(Path.DirectorySeparatorChar, '/');
            try
            {
                await tar.WriteEntryAsync(file, name, cancellationToken);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // A snapshot being replaced right now: the file went with the old copy.
            }
        }
    }
}
