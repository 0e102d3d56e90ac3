using System.Globalization;
using System.Threading.Channels;
using BotBottle.Core.Backends;
using BotBottle.Core.Events;
using BotBottle.Worker.Bottles;

namespace BotBottle.Worker.Runs;

/// <summary>
/// Turns a run's output lines into events, in order, within bounds: at most
/// <see cref="OutputLimitOptions.MaxEventsPerRun"/> lines (then one marker pointing at the log
/// file), and at most <see cref="OutputLimitOptions.PendingEvents"/> waiting while Redis is slow
/// (newer lines are dropped and counted, so the agent is never stalled and memory never grows).
/// </summary>
internal sealed class OutputEventPump : IProgress<OutputLine>, IAsyncDisposable
{
    private readonly Func<string, IReadOnlyDictionary<string, string>?, Task> _publish;
    private readonly OutputLimitOptions _limits;
    private readonly Channel<OutputLine> _pending;
    private readonly Task _publishing;
    private int _accepted;
    private int _dropped;

    public OutputEventPump(Func<string, IReadOnlyDictionary<string, string>?, Task> publish, OutputLimitOptions limits)
    {
        _publish = publish;
        _limits = limits;
        _pending = Channel.CreateBounded<OutputLine>(
            new BoundedChannelOptions(Math.Max(1, limits.PendingEvents)) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _publishing = Task.Run(PublishAllAsync);
    }

    public void Report(OutputLine value)
    {
        var accepted = Interlocked.Increment(ref _accepted);
        if (accepted <= _limits.MaxEventsPerRun)
        {
            _pending.Writer.TryWrite(value);
        }
        else if (accepted == _limits.MaxEventsPerRun + 1)
        {
            _pending.Writer.TryWrite(new OutputLine(OutputChannel.StandardError, string.Create(CultureInfo.InvariantCulture,
                $"[BotBottle: {_limits.MaxEventsPerRun} output lines sent; the rest of this run's output is only in its log file (logs/ in the bottle's state directory)]")));
        }
    }

    /// <summary>Publishes what is still waiting (for a bounded time) and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _publishing.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task PublishAllAsync()
    {
        await foreach (var line in _pending.Reader.ReadAllAsync())
        {
            await _publish(line.Text, Stream(line.Stream));
            // Once the backlog is sent, say how many newer lines did not fit in it: they come after.
            if (_pending.Reader.Count == 0)
            {
                await PublishDroppedAsync();
            }
        }

        await PublishDroppedAsync();
    }

    private async Task PublishDroppedAsync()
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
        {
            await _publish(string.Create(CultureInfo.InvariantCulture, $"[BotBottle: {dropped} output lines were not sent as events: the event store fell behind; they are in the run's log file]"), Stream(OutputChannel.StandardError));
        }
    }

    private static Dictionary<string, string> Stream(OutputChannel channel) =>
        new(StringComparer.Ordinal) { ["stream"] = channel == OutputChannel.StandardError ? "stderr" : "stdout" };
}
