using System.Text;
using BotBottle.Core.Backends;
using BotBottle.Core.Harnesses;
using BotBottle.Core.Manifest;
using BotBottle.Core.State;

namespace BotBottle.Worker.Runs;

/// <summary>
/// What a resumed session had already used before this run, for harnesses that report the whole
/// session's usage at the end of each run (Codex): read from the session's file in the bottle's
/// transcript snapshot before the run replaces it. Null when the harness reports each run's own usage.
/// </summary>
internal static class ThreadUsageBaseline
{
    /// <summary>How much of a rollout's end is read: its last token count is always near the end.</summary>
    private const int TailBytes = 4 << 20;

    public static HarnessUsage? Before(PreparedBottle bottle, string? resumeSessionId)
    {
        if (resumeSessionId is null || bottle.Agent.Harness != Harness.Codex)
        {
            return null;
        }

        var sessions = Path.Combine(bottle.StateDirectory, BottleStateStore.TranscriptDirName, HarnessCatalog.For(Harness.Codex).StateDirectory, "sessions");
        var rollout = Directory.Exists(sessions)
            ? Directory.EnumerateFiles(sessions, CodexHarness.RolloutFilePattern(resumeSessionId), SearchOption.AllDirectories).FirstOrDefault()
            : null;
        return rollout is null ? null : CodexHarness.ThreadUsage(Tail(rollout));
    }

    private static string Tail(string path)
    {
        using var file = File.OpenRead(path);
        file.Seek(Math.Max(0, file.Length - TailBytes), SeekOrigin.Begin);
        using var reader = new StreamReader(file, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
