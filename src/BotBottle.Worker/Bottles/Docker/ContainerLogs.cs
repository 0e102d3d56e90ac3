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

    /// <summary>
    /// Polls <paramref name="container"/>'s standard error until <paramref name="ready"/> holds for it.
    /// Throws <see cref="InvalidOperationException"/> with <paramref name="exited"/>'s message (given
    /// the exit code and the last lines) when the container stops first, and
    /// <see cref="TimeoutException"/> with <paramref name="late"/> after <paramref name="timeout"/>.
    /// </summary>
    public static async Task WaitForAsync(
        this IDockerClient docker,
        string container,
        Func<string, bool> ready,
        TimeSpan timeout,
        Func<long, string, string> exited,
        string late,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(docker);
        ArgumentNullException.ThrowIfNull(ready);
        ArgumentNullException.ThrowIfNull(exited);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var log = await docker.StderrAsync(container, limit.Token);
                if (ready(log))
                {
                    return;
                }

                var state = (await docker.Containers.InspectContainerAsync(container, limit.Token)).State;
                if (state is { Running: false })
                {
                    throw new InvalidOperationException(exited(state.ExitCode, LastLines(log)));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(25), limit.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(late);
        }
    }

    /// <summary>The last lines of a log, for an error message.</summary>
    public static string LastLines(string log) =>
        string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
