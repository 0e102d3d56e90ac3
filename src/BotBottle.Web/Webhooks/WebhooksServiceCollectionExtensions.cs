using Microsoft.Extensions.Options;

namespace BotBottle.Web.Webhooks;

public static partial class WebhooksServiceCollectionExtensions
{
    public static IServiceCollection AddGiteaWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GiteaWebhookOptions>(configuration.GetSection(GiteaWebhookOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<WebhookIntake>();
        return services;
    }

    /// <summary>Says at start-up, not at the first delivery, that the endpoint will refuse everything.</summary>
    public static WebApplication WarnIfWebhooksAreUnconfigured(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<GiteaWebhookOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BotBottle.Web.Webhooks");
        if (string.IsNullOrEmpty(options.Secret))
        {
            LogNoSecret(logger, GiteaWebhookEndpoint.Path);
        }
        else if (options.Repositories.Count == 0)
        {
            LogNoRepositories(logger);
        }

        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Gitea webhook secret is configured (BotBottle:Webhooks:Gitea:Secret): {Path} refuses every delivery")]
    private static partial void LogNoSecret(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No repositories are configured (BotBottle:Webhooks:Gitea:Repositories): every Gitea event will be ignored")]
    private static partial void LogNoRepositories(ILogger logger);
}
