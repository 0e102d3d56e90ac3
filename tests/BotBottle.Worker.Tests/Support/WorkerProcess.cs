using System.Globalization;
using BotBottle.Testing;

namespace BotBottle.Worker.Tests.Support;

/// <summary>The real Worker executable, pointed at a test Redis and a test state root.</summary>
public static class WorkerProcess
{
    public static ServiceProcess Start(string redisConnection, BottleHarness bottles, TimeSpan reclaimAfter, IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(bottles);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__redis"] = redisConnection,
            ["BotBottle__StateRoot"] = bottles.Options.StateRoot,
            ["BotBottle__ManifestPath"] = bottles.ManifestPath,
            ["BotBottle__Jobs__ReclaimAfter"] = reclaimAfter.ToString("c", CultureInfo.InvariantCulture),
            ["BotBottle__Jobs__PollInterval"] = "00:00:00.100",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        return ServiceProcess.Start("BotBottle.Worker.dll", environment);
    }
}
