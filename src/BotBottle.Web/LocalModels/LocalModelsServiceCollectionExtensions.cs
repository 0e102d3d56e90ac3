using Microsoft.Extensions.Options;
using OllamaSharp;

namespace BotBottle.Web.LocalModels;

public static class LocalModelsServiceCollectionExtensions
{
    /// <summary>The Ollama client and catalog. The HttpClient is a plain one: a pull streams far longer than the default resilience timeouts allow.</summary>
    public static IServiceCollection AddLocalModels(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OllamaOptions>(configuration.GetSection(OllamaOptions.Section));
        services.AddSingleton<IOllamaApiClient>(sp =>
        {
            var url = sp.GetRequiredService<IOptions<OllamaOptions>>().Value.Url
                ?? (configuration["services:ollama:http:0"] is { Length: > 0 } referenced ? new Uri(referenced) : new Uri("http://localhost:11434"));
#pragma warning disable CA2000 // The client owns the HttpClient and lives as long as the app.
            return new OllamaApiClient(new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan });
#pragma warning restore CA2000
        });
        services.AddSingleton<OllamaModelCatalog>();
        return services;
    }
}
