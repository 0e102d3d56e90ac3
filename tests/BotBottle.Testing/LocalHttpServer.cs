using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing;

/// <summary>
/// A real Kestrel server on a free port for the peers tests play (a model API, Gitea's API,
/// Ollama's API): quiet, started before it is returned, its routes mapped by the caller.
/// </summary>
public static class LocalHttpServer
{
    /// <param name="address">Loopback for the host's own clients; <see cref="IPAddress.Any"/> when bottles must reach it through their gateway.</param>
    /// <param name="certificate">When given, the server speaks HTTPS with it.</param>
    public static async Task<(WebApplication App, Uri Url)> StartAsync(IPAddress address, Action<WebApplication> map, X509Certificate2? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, new Uri(app.Urls.First()));
    }
}
