using BotBottle.Core.Backends;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Commands run in a bottle as its agent user in its workspace, their output streamed line by line
/// and written in full to a log file of the bottle's, within <see cref="OutputLimitOptions"/>.
/// </summary>
internal sealed class BottleCommands(IDockerClient docker, RunLogs logs, OutputLimitOptions limits)
{
    public async Task<ExecOutcome> ExecAsync(string slug, IReadOnlyList<string> command, IProgress<OutputLine>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var exec = await CreateExecAsync(slug, command, cancellationToken);
        try
        {
            using var stream = await docker.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false, cancellationToken);
            await using var log = logs.Create(slug);
            var (stdout, stderr) = await ExecOutputReader.ReadAsync(stream, output, limits, log, cancellationToken);
            var inspect = await docker.Exec.InspectContainerExecAsync(exec.ID, cancellationToken);
            return new ExecOutcome((int)inspect.ExitCode, stdout, stderr);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                $"the run in bottle {slug} was cut off: the connection to the Docker engine broke while the agent ran (was the engine restarted?): {ex.Message}", ex);
        }
        catch (DockerContainerNotFoundException ex)
        {
            throw new InvalidOperationException($"the run in bottle {slug} was cut off: its container was removed while the agent ran", ex);
        }
    }

    private async Task<ContainerExecCreateResponse> CreateExecAsync(string slug, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.Exec.ExecCreateContainerAsync(DockerNames.Container(slug), new ContainerExecCreateParameters
            {
                Cmd = [.. command],
                AttachStdout = true,
                AttachStderr = true,
                User = AgentPaths.User,
                WorkingDir = AgentPaths.Workspace,
            }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            throw new BottleNotFoundException(slug);
        }
    }
}
