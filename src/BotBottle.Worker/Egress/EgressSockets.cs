using System.Globalization;
using BotBottle.Worker.Bottles;

namespace BotBottle.Worker.Egress;

/// <summary>
/// The way out of a bottle that has no network device (the gVisor backend): a directory shared by the
/// bottle and its sidecar holds one Unix socket per sidecar port. In the sidecar, socat relays each
/// socket to Squid's port for it (see build/images/egress/serve); in the bottle, socat listens on
/// loopback at the same port and relays to the socket, so HTTP_PROXY and the harness's API address
/// work as on a network. Both relays are socat, a mature tool; the Worker only says which sockets.
/// </summary>
public static class EgressSockets
{
    /// <summary>Where the directory is mounted, in the sidecar and in the bottle.</summary>
    public const string MountPath = "/run/botbottle/egress";

    /// <summary>Where the bottle's relays listen.</summary>
    public const string BottleAddress = "127.0.0.1";

    /// <summary>The directory on the host: in the bottle's state directory, gone with it.</summary>
    public static string HostDirectory(string bottleStateDirectory) => Path.Combine(bottleStateDirectory, "egress-sockets");

    /// <summary>
    /// Makes the bottle's socket directory (emptied of an earlier launch's sockets). The sidecar's
    /// proxy user owns it and the bottle's user may only pass through it to the sockets, neither list
    /// nor replace them; a Worker that is not root cannot give it away and opens it to everyone
    /// instead (its state root's own permissions then keep other users out).
    /// </summary>
    public static async Task<string> PrepareAsync(string bottleStateDirectory, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("gVisor bottles need a Linux Worker");
        }

        var directory = HostDirectory(bottleStateDirectory);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        if (Environment.IsPrivilegedProcess)
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            var owner = string.Create(CultureInfo.InvariantCulture, $"{EgressSidecars.ProxyUid}:{EgressSidecars.ProxyUid}");
            var (exit, error) = await HostProcess.RunAsync("chown", [owner, directory], cancellationToken);
            if (exit != 0)
            {
                throw new InvalidOperationException($"could not hand the egress socket directory {directory} to the proxy user: {error.Trim()}");
            }
        }
        else
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
        }

        return directory;
    }

    /// <summary>Each socket's name and the sidecar port it leads to.</summary>
    public static IReadOnlyList<(string Socket, int Port)> Relays(EgressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [("proxy.sock", options.ProxyPort), ("api.sock", options.HarnessApiPort), ("git.sock", options.GitRemotePort)];
    }

    /// <summary>The sidecar's BOTBOTTLE_SOCKETS: "name.sock=address:port" pairs, Squid's ports on its own address.</summary>
    public static string SidecarRelays(string proxyAddress, EgressOptions options) =>
        string.Join(' ', Relays(options).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Socket}={proxyAddress}:{r.Port}")));

    /// <summary>
    /// The bottle's command: a relay per socket on loopback, then idle as every bottle does (the
    /// harness runs through exec). An image without socat cannot have a way out: it says so and exits.
    /// </summary>
    public static IList<string> BottleCommand(EgressOptions options)
    {
        var relays = Relays(options);
        var listeners = string.Join(" ", relays.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"socat TCP-LISTEN:{r.Port},bind={BottleAddress},fork,reuseaddr UNIX-CONNECT:{MountPath}/{r.Socket} &")));
        // Ready once every relay listens (state 0A in /proc/net/tcp): the Worker waits for the line.
        return ["/bin/sh", "-c",
            $"command -v socat >/dev/null || {{ echo '{NoSocat}' >&2; exit 127; }}; {listeners} " +
            $"for i in $(seq 200); do [ \"$(grep -c '^ *[0-9]*: 0100007F:[0-9A-F]* 00000000:0000 0A' /proc/net/tcp)\" -ge {relays.Count} ] && break; sleep 0.05; done; " +
            // Not "exec sleep": gVisor (Debian's 2022 runsc) loses the container when its first process
            // replaces itself while an exec joins the sandbox, and the Worker execs the harness at once.
            $"echo '{ReadyLine}' >&2; sleep infinity"];
    }

    /// <summary>What the bottle says once its relays listen.</summary>
    public const string ReadyLine = "botbottle: egress relays listening";

    /// <summary>What a bottle whose image lacks socat says before it exits.</summary>
    public const string NoSocat = "botbottle: this image has no socat, which a bottle without a network device needs to reach its egress proxy; install socat in the image, as BotBottle images do";
}
