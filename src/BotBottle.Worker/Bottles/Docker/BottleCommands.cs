using BotBottle.Core.Backends;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>Commands run in a bottle as its agent user in its workspace, their output streamed line by line.</summary>
internal sealed class BottleCommands(IDockerClient docker)
{
    public async Task<ExecOutcome> ExecAsync(string slug, IReadOnlyList<string> command, IProgress<OutputLine>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var exec = await CreateExecAsync(slug, command, cancellationToken);
        using var stream = await docker.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false, cancellationToken);
        var (stdout, stderr) = await ExecOutputReader.ReadAsync(stream, output, cancellationToken);
        var inspect = await docker.Exec.InspectContainerExecAsync(exec.ID, cancellationToken);
        return new ExecOutcome((int)inspect.ExitCode, stdout, stderr);
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
