using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using BotBottle.Core.Egress;
using BotBottle.Core.Events;
using BotBottle.Core.Jobs;
using BotBottle.Core.Manifest;
using BotBottle.Worker.Events;
using BotBottle.Worker.Manifests;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BotBottle.Worker.Egress;

/// <summary>
/// Follows every egress sidecar's access log and turns each denied request into an event (shown on
/// the bottle's row and detail and by <c>botbottle logs</c>) and a per-bottle count in Redis.
/// Sidecars are found by label, so the ones a restarted Worker finds running are followed too; the
/// last counted line is remembered in Redis so nothing is counted twice.
/// </summary>
public sealed partial class EgressMonitor(
    IDockerClient docker,
    EgressSidecars sidecars,
    IConnectionMultiplexer redis,
    IBottleEvents events,
    BottleEgressPolicies policies,
    ManifestSource manifests,
    IOptions<EgressOptions> options,
    TimeProvider clock,
    ILogger<EgressMonitor> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Task> _following = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var slug in await sidecars.RunningAsync(stoppingToken))
                {
                    if (!_following.TryGetValue(slug, out var follower) || follower.IsCompleted)
                    {
                        _following[slug] = FollowAsync(slug, stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or TimeoutException)
            {
                LogEngineUnavailable(logger, ex);
            }

            try
            {
                await Task.Delay(options.Value.MonitorInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_following.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task FollowAsync(string slug, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var counted = await LastCountedAsync(slug);
            using var stream = await docker.Containers.GetContainerLogsAsync(
                EgressSidecars.ContainerName(slug),
                tty: false,
                new ContainerLogsParameters
                {
                    Follow = true,
                    ShowStdout = true,
                    ShowStderr = false,
                    Since = counted > 0 ? (counted / 1000).ToString(CultureInfo.InvariantCulture) : null,
                },
                cancellationToken);
            await foreach (var line in StdoutLinesAsync(stream, cancellationToken))
            {
                if (SquidAccessLog.TryParse(line) is { IsDenied: true } entry && entry.UnixMilliseconds > counted)
                {
                    await RecordAsync(slug, entry);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or RedisException)
        {
            // The next sweep starts a new follower; the remembered position avoids double counts.
            LogFollowFailed(logger, slug, ex);
        }
    }

    private async Task RecordAsync(string slug, SquidLogEntry entry)
    {
        var denial = EgressDenial.FromProxy(slug, entry.At, entry.Method, entry.Host, entry.Port, entry.Credential, PolicyOf(slug));
        var db = redis.GetDatabase();
        var count = await db.HashIncrementAsync(QueueNames.EgressDenied, slug);
        await db.HashSetAsync(QueueNames.EgressSeen, slug, entry.UnixMilliseconds);
        var data = new Dictionary<string, string>(denial.ToEventData(), StringComparer.Ordinal)
        {
            ["count"] = count.ToString(CultureInfo.InvariantCulture),
        };
        await events.PublishAsync(new BottleEvent(BottleEventKind.EgressDenied, slug, null, entry.At, denial.Describe(), data));
        LogDenied(logger, slug, denial.Method, denial.Destination, denial.Reason);
    }

    /// <summary>The bottle's policy from the manifest as it is; null when it cannot be had (an invalid manifest while being edited).</summary>
    private EgressPolicy? PolicyOf(string slug)
    {
        try
        {
            return policies.For(slug, manifests.Load())?.Policy;
        }
        catch (Exception ex) when (ex is ManifestException or IOException or Core.State.CorruptMetadataException)
        {
            return null;
        }
    }

    private async Task<long> LastCountedAsync(string slug)
    {
        var value = await redis.GetDatabase().HashGetAsync(QueueNames.EgressSeen, slug);
        return value.TryParse(out long ms) ? ms : 0;
    }

    private static async IAsyncEnumerable<string> StdoutLinesAsync(
        MultiplexedStream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[16384];
        var decoder = Encoding.UTF8.GetDecoder();
        var line = new StringBuilder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                yield break;
            }

            var count = decoder.GetChars(buffer, 0, read.Count, chars, 0);
            for (var i = 0; i < count; i++)
            {
                if (chars[i] == '\n')
                {
                    yield return line.ToString();
                    line.Clear();
                }
                else
                {
                    line.Append(chars[i]);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bottle {Slug}: egress denied {Method} {Destination} ({Reason})")]
    private static partial void LogDenied(ILogger logger, string slug, string method, string destination, EgressDenialReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the egress log of {Slug}; following it again shortly")]
    private static partial void LogFollowFailed(ILogger logger, string slug, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not list egress sidecars")]
    private static partial void LogEngineUnavailable(ILogger logger, Exception exception);
}
