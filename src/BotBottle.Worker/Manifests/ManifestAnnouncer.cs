using BotBottle.Worker.Events;

namespace BotBottle.Worker.Manifests;

/// <summary>Publishes the manifest's agent keys when the Worker starts, so pickers list them before any job ran.</summary>
public sealed partial class ManifestAnnouncer(ManifestSource manifests, BottleDirectory directory, ILogger<ManifestAnnouncer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await directory.PublishAgentsAsync(manifests.Load());
        }
        catch (Core.Manifest.ManifestException ex)
        {
            LogBadManifest(logger, ex.Message);
        }
        catch (IOException ex)
        {
            LogBadManifest(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The agent manifest cannot be read: {Problem}")]
    private static partial void LogBadManifest(ILogger logger, string problem);
}
