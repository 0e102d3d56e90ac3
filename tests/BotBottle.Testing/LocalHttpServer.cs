using System.Net;
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
    public static async Task<(WebApplication App, Uri Url)> StartAsync(IPAddress address, Action<WebApplication> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, 0));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, new Uri(app.Urls.First()));
    }
}
