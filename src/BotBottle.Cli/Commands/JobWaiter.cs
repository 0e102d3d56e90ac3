using BotBottle.Cli.Server;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;

namespace BotBottle.Cli.Commands;

/// <summary>Waits for a job, showing its events on stderr as they come (progress for people, stdout stays clean for scripts).</summary>
public static class JobWaiter
{
    public static async Task<JobResult> WaitAsync(BotBottleClient client, string jobId, TextWriter progress, CancellationToken ct)
    {
        string? after = null;
        while (true)
        {
            foreach (var entry in await client.EventsAsync(after, slug: null, job: jobId, ct))
            {
                after = entry.Id;
                Show(entry.Event, progress);
            }

            if (await client.JobAsync(jobId, ct) is { } result)
            {
                return result;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
        }
    }

    public static void Show(BottleEvent e, TextWriter writer)
    {
        var text = e.Kind == BottleEventKind.Output ? e.Message : $"[{e.Kind.Label()}] {e.Message}";
        writer.WriteLine(e.Slug is null ? text : $"{e.Slug}: {text}");
    }
}
