using BotBottle.Core.Backends;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Runs;

namespace BotBottle.Worker.Tests.Runs;

/// <summary>A run's output as events: in order, at most so many per run, and never an unbounded backlog when the store is slow.</summary>
public sealed class OutputEventPumpTests
{
    [Fact]
    public async Task Lines_past_the_per_run_limit_become_one_marker_and_order_is_kept()
    {
        var published = new List<string>();
        await using (var pump = new OutputEventPump((text, _) => { lock (published) { published.Add(text); } return Task.CompletedTask; },
            new OutputLimitOptions { MaxEventsPerRun = 100, PendingEvents = 100_000 }))
        {
            for (var i = 0; i < 5000; i++)
            {
                pump.Report(new OutputLine(OutputChannel.StandardOutput, $"line {i}"));
            }
        }

        Assert.Equal(101, published.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"line {i}"), published.Take(100));
        Assert.Contains("100 output lines sent; the rest of this run's output is only in its log file", published[100], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stalled_event_store_drops_newer_lines_counts_them_and_never_blocks_the_agent()
    {
        var release = new TaskCompletionSource();
        var published = new List<string>();
        var pump = new OutputEventPump(async (text, _) => { await release.Task; lock (published) { published.Add(text); } },
            new OutputLimitOptions { MaxEventsPerRun = 1_000_000, PendingEvents = 10 });

        var reporting = Task.Run(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                pump.Report(new OutputLine(OutputChannel.StandardOutput, $"line {i}"));
            }
        });
        await reporting.WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();
        await pump.DisposeAsync();

        Assert.InRange(published.Count, 10, 13);
        Assert.Equal("line 0", published[0]);
        Assert.Contains(published, p => p.Contains("output lines were not sent as events: the event store fell behind", StringComparison.Ordinal));
    }
}
