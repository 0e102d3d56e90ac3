using BotBottle.Core.State;
using BotBottle.Worker.Bottles;
using BotBottle.Worker.Bottles.Docker;
using BotBottle.Worker.Bottles.Gvisor;
using BotBottle.Worker.Bottles.Workspace;
using BotBottle.Worker.Egress;
using Docker.DotNet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BotBottle.Bench;

/// <summary>The Worker's Docker backend and its egress sidecars, wired by hand as the Worker's container wires them.</summary>
public static class BenchBackend
{
    public static (DockerBottleBackend Backend, EgressSidecars Sidecars) Create(IDockerClient docker, BottleOptions bottles, EgressOptions egress)
    {
        var egressOptions = Options.Create(egress);
        var bottleOptions = Options.Create(bottles);
        var authority = new EgressCertificateAuthority(egressOptions, bottleOptions);
        var sidecars = new EgressSidecars(docker, egressOptions, bottleOptions, authority, NullLogger<EgressSidecars>.Instance);
        var backend = new DockerBottleBackend(docker, new BottleStateStore(bottles.StateRoot), new WorkspaceProvisioner(NullLogger<WorkspaceProvisioner>.Instance),
            sidecars, new GvisorRuntime(docker, bottleOptions), authority, egressOptions, bottleOptions, TimeProvider.System, NullLogger<DockerBottleBackend>.Instance);
        return (backend, sidecars);
    }
}
