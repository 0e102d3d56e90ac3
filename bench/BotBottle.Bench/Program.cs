using System.Globalization;
using BotBottle.Bench.Bottles;

// botbottle bench: measures against baselines taken in the same run; see bench/run.sh.
var image = Arg("--image") ?? "botbottle/agent-base:bookworm";
var launches = int.Parse(Arg("--launches") ?? "15", CultureInfo.InvariantCulture);
var bottles = int.Parse(Arg("--bottles") ?? "200", CultureInfo.InvariantCulture);
var output = Arg("--out");

await using var bench = new DockerBottleBench(image, launches, bottles, Console.Error);
var report = "## Docker bottles\n\n" + await bench.RunAsync() + "\n";
Console.WriteLine(report);
if (output is not null)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    await File.WriteAllTextAsync(output, report);
}

string? Arg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
