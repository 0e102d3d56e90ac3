using System.Diagnostics.Metrics;
using BotBottle.Core.Runs;

namespace BotBottle.Worker.Jobs;

/// <summary>
/// The runs this Worker finished as OpenTelemetry metrics (meter <see cref="MeterName"/>, exported by
/// the service defaults, charted by the Aspire dashboard): runs, their duration, tokens and cost, by
/// agent, kind and outcome. Counted once per run, when its record is stored.
/// </summary>
public sealed class RunMetrics
{
    public const string MeterName = "BotBottle.Worker.Runs";

    private readonly Counter<long> _runs;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _tokens;
    private readonly Counter<double> _cost;

    public RunMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _runs = meter.CreateCounter<long>("botbottle.runs", "{run}", "Runs finished, by agent, kind and outcome");
        _duration = meter.CreateHistogram<double>("botbottle.run.duration", "s", "How long runs took, by agent, kind and outcome");
        _tokens = meter.CreateCounter<long>("botbottle.tokens", "{token}", "Tokens the harnesses reported, by agent and type");
        _cost = meter.CreateCounter<double>("botbottle.cost", "USD", "Cost the harnesses reported, by agent");
    }

    public void Record(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var agent = new KeyValuePair<string, object?>("agent", run.Agent);
        var kind = new KeyValuePair<string, object?>("kind", run.Kind);
        var outcome = new KeyValuePair<string, object?>("outcome", run.Outcome.ToString().ToLowerInvariant());
        _runs.Add(1, agent, kind, outcome);
        _duration.Record(Math.Max(0, run.Duration.TotalSeconds), agent, kind, outcome);
        if (run.Usage is { } usage)
        {
            _tokens.Add(usage.InputTokens, agent, new("type", "input"));
            _tokens.Add(usage.OutputTokens, agent, new("type", "output"));
            _tokens.Add(usage.CacheReadInputTokens, agent, new("type", "cache-read"));
            _tokens.Add(usage.CacheCreationInputTokens, agent, new("type", "cache-write"));
        }

        if (run.CostUsd is { } cost)
        {
            _cost.Add((double)cost, agent);
        }
    }
}
