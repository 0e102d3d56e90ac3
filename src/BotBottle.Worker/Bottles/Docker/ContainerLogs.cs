using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>Reading a container's own log, for the readiness lines its entry point prints.</summary>
public static class ContainerLogs
{
    /// <summary>What <paramref name="container"/> has written to its standard error so far.</summary>
    public static async Task<string> StderrAsync(this IDockerClient docker, string container, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(docker);
        using var stream = await docker.Containers.GetContainerLogsAsync(
            container, tty: false, new ContainerLogsParameters { ShowStderr = true, ShowStdout = false }, cancellationToken);
        var (_, stderr) = await stream.ReadOutputToEndAsync(cancellationToken);
        return stderr;
    }

    /// <summary>The last lines of a log, for an error message.</summary>
    public static string LastLines(string log) =>
        string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
