using System.Diagnostics;

namespace BotBottle.Testing;

/// <summary>
/// An HTTP request made from inside a bottle through its own HTTP_PROXY, with bash's /dev/tcp (the
/// agent images have no curl), as any tool in the bottle would go out. Prints the response, status
/// line first. Arguments: method, request target, Host header, extra header lines (printf %b, so
/// "\r\n" ends each).
/// </summary>
public static class ProxyProbe
{
    public const string Script = """
        proxy=${HTTP_PROXY#http://}
        exec 3<>"/dev/tcp/${proxy%:*}/${proxy##*:}" || exit 7
        printf '%s %s HTTP/1.1\r\nHost: %s\r\n%bConnection: close\r\n\r\n' "$1" "$2" "$3" "$4" >&3
        timeout 10 cat <&3
        """;

    /// <summary>The argv that runs the probe inside a bottle.</summary>
    public static IReadOnlyList<string> Command(string method, string target, string host, string headers = "") =>
        ["bash", "-c", Script, "probe", method, target, host, headers];

    /// <summary>A GET of <paramref name="url"/> from inside <paramref name="container"/>, through the docker CLI; returns the response.</summary>
    public static async Task<string> GetThroughDockerAsync(string container, string url)
    {
        using var docker = Process.Start(new ProcessStartInfo("docker", ["exec", container, .. Command("GET", url, new Uri(url).Authority)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var response = docker.StandardOutput.ReadToEndAsync();
        var errors = docker.StandardError.ReadToEndAsync();
        await docker.WaitForExitAsync();
        return docker.ExitCode == 0
            ? await response
            : throw new InvalidOperationException($"docker exec in {container} exited {docker.ExitCode}: {await errors}");
    }
}
