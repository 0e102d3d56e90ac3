using System.Globalization;
using BotBottle.Bench.Bottles;

// botbottle bench: measures against baselines taken in the same run; see bench/run.sh.
var image = Arg("--image") ?? "botbottle/agent-base:bookworm";
var launches = int.Parse(Arg("--launches") ?? "15", CultureInfo.InvariantCulture);
var bottles = int.Parse(Arg("--bottles") ?? "200", CultureInfo.InvariantCulture);
var output = Arg("--out");

var suite = Arg("--suite") ?? "all";
var report = "";
if (suite is "all" or "bottles")
{
    await using var bench = new DockerBottleBench(image, launches, bottles, Console.Error);
    report += "## Docker bottles\n\n" + await bench.RunAsync() + "\n\n";
}

if (suite is "all" or "dashboard")
{
    var rows = new BotBottle.Bench.Dashboard.RowLatencyBench(int.Parse(Arg("--rows") ?? "10", CultureInfo.InvariantCulture), Console.Error);
    report += "## Dashboard row latency\n\n" + await rows.RunAsync() + "\n\n";
}

if (suite is "all" or "webhooks")
{
    var rate = int.Parse(Arg("--rate") ?? "500", CultureInfo.InvariantCulture);
    var seconds = int.Parse(Arg("--seconds") ?? "20", CultureInfo.InvariantCulture);
    var webhooks = new BotBottle.Bench.Webhooks.WebhookLoadBench(rate, TimeSpan.FromSeconds(seconds), 0.1, DataRoot(), Console.Error);
    report += "## Webhook intake\n\n" + await webhooks.RunAsync() + "\n";
}
if (suite is "all" or "egress")
{
    await using var egress = new BotBottle.Bench.Egress.EgressProxyBench(
        int.Parse(Arg("--requests") ?? "300", CultureInfo.InvariantCulture), 8, int.Parse(Arg("--seconds") ?? "5", CultureInfo.InvariantCulture), Console.Error);
    report += "## Egress proxy\n\n" + await egress.RunAsync() + "\n";
}

if (suite == "drills")
{
    report += "## Fault drills\n\n" + await BotBottle.Bench.Drills.DrillSuite.RunAsync(Arg("--drill"), DataRoot(), Console.Error) + "\n";
}

Console.WriteLine(report);
if (output is not null)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    await File.WriteAllTextAsync(output, report);
}

static string DataRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "tests", "TestData", "gitea");
        if (Directory.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new DirectoryNotFoundException("tests/TestData/gitea not found");
}

string? Arg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
