using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace BotBottle.Worker.Tests.Support;

public sealed class TestHostEnvironment(string contentRoot) : IHostEnvironment
{
    public string EnvironmentName { get; set; } = "Testing";

    public string ApplicationName { get; set; } = "BotBottle.Worker.Tests";

    public string ContentRootPath { get; set; } = contentRoot;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}
