using System.Globalization;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Queue.Events;
using BotBottle.Queue.Jobs;
using BotBottle.Testing;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Egress;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Bench.Drills;

/// <summary>
/// The real stack a drill breaks: a durable Redis, Worker and Web processes, the real Docker engine,
/// the real Claude Code CLI in bottles against a scripted model server, and a Gitea stand-in.
/// </summary>
public sealed class DrillRig : IAsyncDisposable
{
    public const string Secret = "drill-team-secret";
    public const string ApiToken = "drill-api-token";
    public const string WebhookSecret = "drill-webhook-secret";
    public const string Repository = "acme/widgets";

    private readonly TempDirectory _root = new("botbottle-drill");
    private readonly List<ServiceProcess> _services = [];

    private DrillRig(TextWriter log)
    {
        Log = log;
        Redis = new DurableRedis(_root.Combine("redis"));
    }

    public TextWriter Log { get; }

    public DurableRedis Redis { get; }

    public ScriptedAnthropicServer Model { get; private set; } = null!;

    public GiteaApiServer Gitea { get; private set; } = null!;

    public string StateRoot => _root.Combine("state");

    public JobQueueClient Queue => new(Redis.Connection);

    public EventLog Events => new(Redis.Connection);

    public DockerClient Docker { get; } = BottlesServiceCollectionExtensions.CreateDockerClient(new BottleOptions());

    public static async Task<DrillRig> StartAsync(TextWriter log)
    {
        var stack = new DrillRig(log);
        await stack.Redis.StartAsync();
        stack.Model = await ScriptedAnthropicServer.StartAsync();
        stack.Gitea = await GiteaApiServer.StartAsync();
        // The PR the drills' comments are on is the repository's own (comments without a pull request make the Worker ask).
        stack.Gitea.SetPullRequest(Repository, 7, "0123456789abcdef0123456789abcdef01234567", Repository, null);
        await File.WriteAllTextAsync(stack.ManifestPath, ClaudeAgentManifest.For(stack.Model.Port) + $$"""

              shell:
                image: {{TestImages.AgentBase}}
                harness: claude
                # Launched, never run: a key only so the launch is not refused for want of one.
                env: { ANTHROPIC_API_KEY: "sk-ant-drill-not-a-real-key" }
                limits: { memory: 256m, pids: 64 }
            """);
        return stack;
    }

    private string ManifestPath => _root.Combine("agents.yaml");

    public ServiceProcess StartWorker(TimeSpan reclaimAfter, int slots = 2)
    {
        var worker = ServiceProcess.Start("BotBottle.Worker.dll", new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = Redis.ConnectionString,
            ["BotBottle__StateRoot"] = StateRoot,
            ["BotBottle__ManifestPath"] = ManifestPath,
            ["BotBottle__ReconcileInterval"] = "00:00:02",
            ["BotBottle__Jobs__ReclaimAfter"] = reclaimAfter.ToString("c", CultureInfo.InvariantCulture),
            ["BotBottle__Jobs__PollInterval"] = "00:00:00.100",
            ["BotBottle__Jobs__MaxConcurrentJobs"] = slots.ToString(CultureInfo.InvariantCulture),
            ["BotBottle__Jobs__MaxDeliveries"] = "10",
            ["BotBottle__PullRequests__Agent"] = "claude",
            ["BotBottle__PullRequests__LockExpiry"] = "00:00:10",
            // About delivery, not trust: who may drive an agent is PrDispatchTests' subject.
            ["BotBottle__PullRequests__MinimumPermission"] = "None",
            ["BotBottle__PullRequests__PumpInterval"] = "00:00:01",
            ["BotBottle__PullRequests__RotateAfterTurns"] = "1000",
            ["BotBottle__Gitea__BaseUrl"] = Gitea.BaseUrl,
            ["BotBottle__Gitea__Token"] = "drill-gitea-token",
            ["BotBottle__Gitea__FirstRetryDelay"] = "00:00:00.200",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        _services.Add(worker);
        return worker;
    }

    public ServiceProcess StartWeb(Uri? url = null)
    {
        var web = ServiceProcess.Start("BotBottle.Web.dll", new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = Redis.ConnectionString,
            ["BotBottle__Auth__TeamSecret"] = Secret,
            ["BotBottle__Auth__ApiToken"] = ApiToken,
            ["BotBottle__Webhooks__Gitea__Secret"] = WebhookSecret,
            ["BotBottle__Webhooks__Gitea__Repositories__0"] = Repository,
            ["BotBottle__Webhooks__Gitea__BotLogin"] = "botbottle",
            ["BotBottle__Webhooks__Gitea__Agent"] = "claude",
            ["Logging__LogLevel__Default"] = "Warning",
        }, url);
        _services.Add(web);
        return web;
    }

    /// <summary>A run of the Claude agent on a task that names <paramref name="tag"/>, queued directly as the Web would.</summary>
    public async Task<BottleJob> SubmitRunAsync(string tag)
    {
        var job = new BottleJob { JobId = BottleJob.NewJobId(), Kind = JobKind.Run, AgentName = "claude", Task = $"drill task {tag}", Label = tag, RequestedBy = "drill", EnqueuedAt = DateTimeOffset.UtcNow };
        await Queue.EnqueueAsync(job);
        return job;
    }

    /// <summary>Waits until every job has a result or <paramref name="timeout"/> passes; returns those that have one.</summary>
    public async Task<Dictionary<string, JobResult>> WaitForResultsAsync(IEnumerable<string> jobIds, TimeSpan timeout)
    {
        var pending = jobIds.ToHashSet(StringComparer.Ordinal);
        var results = new Dictionary<string, JobResult>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + timeout;
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var id in pending.ToList())
            {
                if (await Queue.ResultAsync(id) is { } result)
                {
                    results[id] = result;
                    pending.Remove(id);
                }
            }

            await Task.Delay(250);
        }

        return results;
    }

    /// <summary>How many times each job's effect was recorded: its finished or failed event is published only when its result is stored.</summary>
    public async Task<int> RanTwiceAsync(IEnumerable<string> jobIds)
    {
        var twice = 0;
        foreach (var id in jobIds)
        {
            var events = await Events.ReadAsync(null, null, id, EventLog.MaxPage);
            if (events.Count(e => e.Event.Kind is BottleEventKind.Finished or BottleEventKind.Failed && e.Event.Data?.GetValueOrDefault("outcome") != "superseded") > 1)
            {
                twice++;
            }
        }

        return twice;
    }

    /// <summary>The events of one job, oldest first.</summary>
    public async Task<IReadOnlyList<BottleEvent>> EventsOfAsync(string jobId) =>
        [.. (await Events.ReadAsync(null, null, jobId, EventLog.MaxPage)).Select(e => e.Event)];

    /// <summary>Waits until a job reports its container running; returns the bottle's slug.</summary>
    public async Task<string> WaitUntilRunningAsync(string jobId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if ((await EventsOfAsync(jobId)).FirstOrDefault(e => e.Kind == BottleEventKind.Running) is { Slug: { } slug })
            {
                return slug;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"job {jobId} never reported a running container");
    }

    /// <summary>
    /// What is still on the engine of this drill's bottles when all work is done: containers of its
    /// bottles, their proxies, and networks or proxies of processes that are gone. Waits up to
    /// <paramref name="patience"/> for the Workers' sweeps to remove them.
    /// </summary>
    public async Task<IReadOnlyList<string>> LeftoversAsync(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var left = await LeftoversNowAsync();
            if (left.Count == 0 || DateTime.UtcNow > deadline)
            {
                return left;
            }

            await Task.Delay(1000);
        }
    }

    private async Task<List<string>> LeftoversNowAsync()
    {
        var ours = Directory.Exists(StateRoot) ? Directory.GetDirectories(StateRoot).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal) : [];
        var containers = await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true });
        var left = new List<string>();
        foreach (var container in containers)
        {
            var name = container.Names.FirstOrDefault()?.TrimStart('/') ?? container.ID;
            var slug = container.Labels.TryGetValue(DockerNames.SlugLabel, out var s) ? s : EgressSidecars.SlugOf(name);
            var deadOwner = container.Labels.TryGetValue(OwnerProcess.Label, out var owner) && OwnerProcess.IsDeadOnThisMachine(owner);
            if ((slug is not null && ours.Contains(slug)) || deadOwner)
            {
                left.Add(name);
            }
        }

        var networks = await Docker.Networks.ListNetworksAsync(new NetworksListParameters());
        left.AddRange(networks.Where(n => n.Labels?.TryGetValue(OwnerProcess.Label, out var owner) == true && OwnerProcess.IsDeadOnThisMachine(owner)).Select(n => n.Name));
        return left;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }

        await Model.DisposeAsync();
        await Gitea.DisposeAsync();
        await Redis.DisposeAsync();
        // Whatever a drill left is removed here so the next starts clean; the report already counted it.
        foreach (var name in await LeftoversNowAsync())
        {
            try
            {
                await Docker.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters { Force = true });
            }
            catch (DockerApiException)
            {
            }
        }

        Docker.Dispose();
        _root.Dispose();
    }
}
