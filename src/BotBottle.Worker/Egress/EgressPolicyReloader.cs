using BotBottle.Core.Manifest;
using BotBottle.Worker.Manifests;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Egress;

/// <summary>
/// Applies manifest allowlist changes to running bottles: when the manifest file changes, every
/// sidecar gets its regenerated configuration and Squid reconfigures; the agent keeps running. An
/// invalid manifest changes nothing (the error is logged) until it is fixed.
/// </summary>
public sealed partial class EgressPolicyReloader(
    EgressSidecars sidecars,
    BottleEgressPolicies policies,
    ManifestSource manifests,
    IOptions<EgressOptions> options,
    TimeProvider clock,
    ILogger<EgressPolicyReloader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Nothing seen yet: the first pass applies the manifest as it is now, which covers changes
        // made while this Worker was down.
        (DateTime, long)? applied = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var stamp = manifests.Stamp();
            if (stamp != applied)
            {
                try
                {
                    await ReloadAllAsync(stoppingToken);
                    applied = stamp;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    // A failure must not stop the Worker (a background service's exception would); the next pass retries.
                    LogPassFailed(logger, ex);
                }
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
    }

    /// <summary>Regenerates and applies every running sidecar's policy from the manifest as it is now.</summary>
    public async Task ReloadAllAsync(CancellationToken cancellationToken)
    {
        AgentManifest manifest;
        try
        {
            manifest = manifests.Load();
        }
        catch (ManifestException ex)
        {
            LogManifestInvalid(logger, ex.Message);
            return;
        }

        var failed = 0;
        foreach (var slug in await sidecars.RunningAsync(cancellationToken))
        {
            try
            {
                if (policies.For(slug, manifest) is { } current)
                {
                    await sidecars.ReloadAsync(slug, current.Network, current.Policy, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed++;
                LogReloadFailed(logger, slug, ex);
            }
        }

        if (failed > 0)
        {
            throw new InvalidOperationException($"the new egress policy could not be applied to {failed} bottle(s); retrying");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The manifest changed but is invalid; egress policies stay as they were: {Error}")]
    private static partial void LogManifestInvalid(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Egress policy pass failed; it is retried shortly")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not apply the new egress policy to {Slug}")]
    private static partial void LogReloadFailed(ILogger logger, string slug, Exception exception);
}
