using System.Diagnostics.Metrics;
using BotBottle.Core.Harnesses;
using BotBottle.Core.Runs;
using BotBottle.Worker.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace BotBottle.Worker.Tests.Jobs;

public sealed class RunMetricsTests
{
    [Fact]
    public void A_run_is_counted_with_its_duration_tokens_and_cost_by_agent_and_outcome()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new RunMetrics(services.GetRequiredService<IMeterFactory>());
        var seen = new List<(string Instrument, double Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RunMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Add((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Add((i.Name, v, Tags(tags))));
        listener.Start();

        var at = DateTimeOffset.UtcNow;
        metrics.Record(new RunRecord
        {
            JobId = "j1", Agent = "reviewer", Kind = "run", Outcome = RunState.Failed, StartedAt = at.AddSeconds(-42), FinishedAt = at,
            CostUsd = 0.25m, Usage = new HarnessUsage(1000, 200, 50, 0),
        });

        Assert.Contains(("botbottle.runs", 1d, "agent=reviewer,kind=run,outcome=failed"), seen);
        Assert.Contains(("botbottle.run.duration", 42d, "agent=reviewer,kind=run,outcome=failed"), seen);
        Assert.Contains(("botbottle.tokens", 1000d, "agent=reviewer,type=input"), seen);
        Assert.Contains(("botbottle.tokens", 200d, "agent=reviewer,type=output"), seen);
        Assert.Contains(("botbottle.cost", 0.25d, "agent=reviewer"), seen);
    }

    private static string Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var list = new List<string>();
        foreach (var tag in tags)
        {
            list.Add($"{tag.Key}={tag.Value}");
        }

        return string.Join(',', list.Order(StringComparer.Ordinal));
    }
}
