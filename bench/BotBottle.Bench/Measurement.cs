using System.Diagnostics;
using System.Globalization;

namespace BotBottle.Bench;

/// <summary>Timings of one operation, summarised the way the closing notes quote them.</summary>
public sealed class Measurement(string name)
{
    private readonly List<double> _milliseconds = [];

    public string Name { get; } = name;

    public int Count => _milliseconds.Count;

    public double Median => Percentile(50);

    public double P90 => Percentile(90);

    /// <summary>A duration measured elsewhere (inside a container).</summary>
    public void Add(double milliseconds) => _milliseconds.Add(milliseconds);

    public async Task<T> TimeAsync<T>(Func<Task<T>> operation)
    {
        var watch = Stopwatch.StartNew();
        var result = await operation();
        _milliseconds.Add(watch.Elapsed.TotalMilliseconds);
        return result;
    }

    public async Task TimeAsync(Func<Task> operation) => await TimeAsync(async () =>
    {
        await operation();
        return 0;
    });

    public double Percentile(double p)
    {
        if (_milliseconds.Count == 0)
        {
            return double.NaN;
        }

        var sorted = _milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public string Row(Measurement? baseline) => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Count} | {Median:F1} | {P90:F1} | {(baseline is null ? "1.00 (baseline)" : (Median / baseline.Median).ToString("F2", CultureInfo.InvariantCulture))} |");

    public static string Header => "| operation | n | median ms | p90 ms | ratio to baseline (median) |\n|---|---|---|---|---|";
}
