using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BotBottle.Cli.Prompts;
using BotBottle.Cli.Server;
using BotBottle.Core.Api;
using BotBottle.Core.Backends;
using BotBottle.Core.Colors;
using BotBottle.Core.Jobs;
using BotBottle.Core.Listing;

namespace BotBottle.Cli.Commands;

/// <summary>The `botbottle` commands. Exit codes: 0 success, 1 the agent failed, 2 a usage or server problem.</summary>
public static class CommandLine
{
    private static readonly Option<string?> Server = new("--server") { Description = "The stack's URL (else BOTBOTTLE_SERVER, the config file, http://localhost:5170)", Recursive = true };
    private static readonly Option<string?> Token = new("--token") { Description = "The API token (else BOTBOTTLE_TOKEN or the config file)", Recursive = true };

    public static RootCommand Build(TextReader stdin, TextWriter stdout, TextWriter stderr, bool stdinIsTerminal, bool stdoutIsTerminal)
    {
        var root = new RootCommand("Run AI coding agents in bottles: start, run, resume, list, logs, stop, cleanup.");
        root.Options.Add(Server);
        root.Options.Add(Token);
        root.Subcommands.Add(Start(stdin, stdout, stderr, stdinIsTerminal));
        root.Subcommands.Add(Run(stdout, stderr));
        root.Subcommands.Add(RunResume(stdout, stderr));
        root.Subcommands.Add(List(stdout, stdoutIsTerminal));
        root.Subcommands.Add(Show(stdout));
        root.Subcommands.Add(Usage(stdout));
        root.Subcommands.Add(Logs(stdout));
        root.Subcommands.Add(Stop(stdout, "stop", "Stop a bottle (its state directory is kept)", purgeOption: false));
        root.Subcommands.Add(Stop(stdout, "cleanup", "Remove a bottle; with --purge its state directory too", purgeOption: true));
        return root;
    }

    private static Command Start(TextReader stdin, TextWriter stdout, TextWriter stderr, bool interactive)
    {
        var agent = new Argument<string>("agent") { Description = "The manifest agent to start" };
        var label = new Option<string?>("--label") { Description = "Skip the label prompt" };
        var color = new Option<string?>("--color") { Description = "Skip the colour prompt (one of the 16 ANSI names)" };
        var detach = new Option<bool>("--detach") { Description = "Do not attach to the bottle's output" };
        var backend = BackendOption();
        var command = new Command("start", "Start an agent in a new bottle, asking for its label and colour") { agent, label, color, detach, backend };
        command.SetAction((result, ct) => Guarded(stderr, async () =>
        {
            using var client = Client(result);
            var agentKey = result.GetValue(agent)!;
            var known = await client.AgentsAsync(ct);
            if (known.Count > 0 && !known.Contains(agentKey, StringComparer.Ordinal))
            {
                throw new CliException($"unknown agent '{agentKey}'; known agents: {string.Join(", ", known)}");
            }

            var (chosenLabel, chosenColor) = new LabelColorPrompter(stdin, stderr, interactive).Ask(agentKey, result.GetValue(label), result.GetValue(color));
            var queued = await client.LaunchAsync(new LaunchRequest(agentKey, chosenLabel, chosenColor, Backend: result.GetValue(backend)), ct);
            var launched = await JobWaiter.WaitAsync(client, queued.JobId, stderr, ct);
            if (launched.Outcome != JobOutcome.Succeeded)
            {
                throw new CliException($"the bottle did not start: {launched.Error}");
            }

            stdout.WriteLine(launched.Slug);
            if (!result.GetValue(detach))
            {
                await FollowAsync(client, launched.Slug!, stderr, ct);
            }

            return 0;
        }));
        return command;
    }

    /// <summary>--backend, checked against the backends there are before anything is sent.</summary>
    private static Option<string?> BackendOption()
    {
        var option = new Option<string?>("--backend") { Description = $"Where the bottle runs: {string.Join(" or ", BackendNames.All)} (default: the agent's, from its manifest)" };
        option.AcceptOnlyFromAmong([.. BackendNames.All]);
        return option;
    }

    private static Command Run(TextWriter stdout, TextWriter stderr)
    {
        var agent = new Argument<string>("agent") { Description = "The manifest agent to run" };
        var task = new Argument<string>("task") { Description = "What the agent should do" };
        var label = new Option<string?>("--label") { Description = "The bottle's label (default: the agent key)" };
        var color = new Option<string?>("--color") { Description = "The bottle's colour" };
        var backend = BackendOption();
        var command = new Command("run", "Run one task non-interactively; prints the agent's JSON result (with session_id and slug)") { agent, task, label, color, backend };
        command.SetAction((result, ct) => Guarded(stderr, async () =>
        {
            using var client = Client(result);
            var agentKey = result.GetValue(agent)!;
            var (chosenLabel, chosenColor) = new LabelColorPrompter(TextReader.Null, stderr, interactive: false).Ask(agentKey, result.GetValue(label), result.GetValue(color));
            var queued = await client.LaunchAsync(new LaunchRequest(agentKey, chosenLabel, chosenColor, result.GetValue(task), result.GetValue(backend)), ct);
            return PrintResult(await JobWaiter.WaitAsync(client, queued.JobId, stderr, ct), stdout);
        }));
        return command;
    }

    private static Command RunResume(TextWriter stdout, TextWriter stderr)
    {
        var slug = new Argument<string>("slug") { Description = "The bottle to relaunch from its snapshot" };
        var task = new Argument<string>("task") { Description = "What the agent should do next" };
        var session = new Option<string>("--claude-session") { Description = "The session to continue (--resume, never --continue)", Required = true };
        var command = new Command("run-resume", "Continue a bottle's session non-interactively; prints the agent's JSON result") { slug, task, session };
        command.SetAction((result, ct) => Guarded(stderr, async () =>
        {
            using var client = Client(result);
            var queued = await client.ResumeAsync(result.GetValue(slug)!, result.GetValue(session)!, result.GetValue(task)!, ct);
            return PrintResult(await JobWaiter.WaitAsync(client, queued.JobId, stderr, ct), stdout);
        }));
        return command;
    }

    private static Command List(TextWriter stdout, bool colorize)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var all = new Option<bool>("--all", "-a") { Description = "Also the last runs: finished, failed and stopped bottles" };
        var command = new Command("list", "The bottles that are up (with --all, the recent runs too)") { json, all };
        command.SetAction((result, ct) => Guarded(Console.Error, async () =>
        {
            using var client = Client(result);
            var bottles = await client.ListAsync(ct);
            var recent = result.GetValue(all) ? await client.RecentAsync(ct) : null;
            if (result.GetValue(json))
            {
                stdout.WriteLine(recent is null
                    ? JsonSerializer.Serialize(bottles, BotBottleJson.Options)
                    : JsonSerializer.Serialize(new { running = bottles, recent }, BotBottleJson.Options));
                return 0;
            }

            var rows = new AgentRowFormatter(TimeZoneInfo.Local, colorize, showAgentKey: true);
            foreach (var bottle in bottles)
            {
                stdout.WriteLine(rows.Format(bottle));
            }

            if (recent is not null)
            {
                stdout.WriteLine(recent.Count == 0 ? "recent: nothing has finished yet" : "recent:");
                foreach (var run in recent)
                {
                    stdout.WriteLine(RunLines.Row(run, TimeZoneInfo.Local));
                }
            }

            return 0;
        }));
        return command;
    }

    private static Command Show(TextWriter stdout)
    {
        var slug = new Argument<string>("slug") { Description = "The bottle whose runs to summarise" };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("show", "A bottle's runs: outcome, answer, cost, tokens, turns, duration, session") { slug, json };
        command.SetAction((result, ct) => Guarded(Console.Error, async () =>
        {
            using var client = Client(result);
            var target = result.GetValue(slug)!;
            var runs = await client.RunsAsync(target, ct);
            if (result.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(runs, BotBottleJson.Options));
                return 0;
            }

            if (runs.Count == 0)
            {
                Console.Error.WriteLine($"bottle {target} has no recorded runs (none finished yet, or no such bottle)");
                return 1;
            }

            foreach (var run in runs)
            {
                stdout.WriteLine(RunLines.Summary(run, TimeZoneInfo.Local));
            }

            return 0;
        }));
        return command;
    }

    private static Command Usage(TextWriter stdout)
    {
        var groupBy = new Option<string>("--by") { Description = "Group by agent, pr, label or day", DefaultValueFactory = _ => "agent" };
        var from = new Option<string?>("--from") { Description = "From this date (ISO 8601; default: 30 days ago)" };
        var to = new Option<string?>("--to") { Description = "Up to this date, inclusive (default: now)" };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("usage", "Runs, cost and tokens by agent, pull request, label or day") { groupBy, from, to, json };
        command.SetAction((result, ct) => Guarded(Console.Error, async () =>
        {
            using var client = Client(result);
            var rows = await client.UsageAsync(result.GetValue(from), result.GetValue(to), result.GetValue(groupBy)!, ct);
            if (result.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(rows, BotBottleJson.Options));
                return 0;
            }

            foreach (var row in rows)
            {
                stdout.WriteLine(RunLines.Usage(row));
            }

            return 0;
        }));
        return command;
    }

    private static Command Logs(TextWriter stdout)
    {
        var slug = new Argument<string>("slug") { Description = "The bottle whose events and output to show" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep following until the bottle is removed or Ctrl-C" };
        var command = new Command("logs", "A bottle's lifecycle events and output") { slug, follow };
        command.SetAction((result, ct) => Guarded(Console.Error, async () =>
        {
            using var client = Client(result);
            var target = result.GetValue(slug)!;
            if (result.GetValue(follow))
            {
                await FollowAsync(client, target, stdout, ct, fromStart: true);
                return 0;
            }

            var events = await client.EventsAsync(null, target, null, ct);
            if (events.Count == 0 && !(await client.ListAsync(ct)).Any(b => b.Slug == target))
            {
                throw new CliException($"no bottle '{target}': nothing is running under that slug and no events name it");
            }

            foreach (var entry in events)
            {
                JobWaiter.Show(entry.Event, stdout);
            }

            return 0;
        }));
        return command;
    }

    private static Command Stop(TextWriter stdout, string name, string description, bool purgeOption)
    {
        var slug = new Argument<string>("slug") { Description = "The bottle" };
        var purge = new Option<bool>("--purge") { Description = "Delete the state directory too (transcripts included)" };
        var command = new Command(name, description) { slug };
        if (purgeOption)
        {
            command.Options.Add(purge);
        }

        command.SetAction((result, ct) => Guarded(Console.Error, async () =>
        {
            using var client = Client(result);
            var queued = await client.StopAsync(result.GetValue(slug)!, purgeOption && result.GetValue(purge), ct);
            var done = await JobWaiter.WaitAsync(client, queued.JobId, Console.Error, ct);
            if (done.Outcome != JobOutcome.Succeeded)
            {
                throw new CliException(done.Error ?? "the bottle could not be removed");
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {queued.Slug} removed"));
            return 0;
        }));
        return command;
    }

    private static async Task FollowAsync(BotBottleClient client, string slug, TextWriter writer, CancellationToken ct, bool fromStart = false)
    {
        string? after = fromStart ? null : "$";
        if (after == "$")
        {
            var existing = await client.EventsAsync(null, slug, null, ct);
            after = existing.Count > 0 ? existing[^1].Id : null;
        }

        try
        {
            while (true)
            {
                foreach (var entry in await client.EventsAsync(after, slug, null, ct))
                {
                    after = entry.Id;
                    JobWaiter.Show(entry.Event, writer);
                    if (entry.Event.Kind == Core.Events.BottleEventKind.Removed)
                    {
                        return;
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int PrintResult(JobResult result, TextWriter stdout)
    {
        var harness = result.Harness;
        var output = new Dictionary<string, object?>
        {
            ["slug"] = result.Slug,
            ["session_id"] = harness?.SessionId,
            ["result"] = harness?.ResultText,
            ["is_error"] = harness is null ? result.Outcome != JobOutcome.Succeeded : harness.IsError,
            ["exit_code"] = harness?.ExitCode,
            ["total_cost_usd"] = harness?.CostUsd,
            ["error"] = result.Error,
        };
        stdout.WriteLine(JsonSerializer.Serialize(output));
        return result.Outcome == JobOutcome.Succeeded ? 0 : 1;
    }

    private static BotBottleClient Client(ParseResult result) =>
        new(ServerSettings.Resolve(result.GetValue(Server), result.GetValue(Token)));

    private static async Task<int> Guarded(TextWriter stderr, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (CliException ex)
        {
            await stderr.WriteLineAsync($"botbottle: {ex.Message}");
            return 2;
        }
    }
}
