using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BotBottle.Testing;

/// <summary>
/// Git's smart HTTP protocol as Gitea serves it (Gitea cannot run here), from real repositories:
/// each request goes to git's own <c>git http-backend</c> (CGI), so fetch and push are git's, not a
/// stand-in's. Like a Gitea with private repositories, it answers 401 with a Basic challenge unless
/// the request carries <see cref="Authorization"/>. Repositories live under <see cref="Root"/> as
/// "owner/name.git".
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentQueue<(string Method, string PathAndQuery, string Authorization)> _requests = new();

    private GitHttpServer(string root, string authorization) => (Root, Authorization) = (root, authorization);

    public string Root { get; }

    /// <summary>The only Authorization header let in.</summary>
    public string Authorization { get; }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<(string Method, string PathAndQuery, string Authorization)> Requests => [.. _requests];

    public static async Task<GitHttpServer> StartAsync(string root, string authorization, X509Certificate2 certificate)
    {
        var server = new GitHttpServer(root, authorization);
        (server._app, server.Url) = await LocalHttpServer.StartAsync(IPAddress.Any, app => app.Run(server.ServeAsync), certificate);
        return server;
    }

    /// <summary>A bare repository "owner/name.git" under <see cref="Root"/>, holding one commit of <paramref name="file"/> on main.</summary>
    public async Task<string> CreateRepositoryAsync(string fullName, string file, string content)
    {
        var bare = Path.Combine(Root, fullName + ".git");
        var work = Path.Combine(Root, ".work-" + fullName.Replace('/', '-'));
        Directory.CreateDirectory(work);
        await File.WriteAllTextAsync(Path.Combine(work, file), content);
        await GitAsync(work, "init", "--quiet", "--initial-branch=main");
        await GitAsync(work, "add", file);
        await GitAsync(work, "-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "--quiet", "-m", $"add {file}");
        await GitAsync(Root, "clone", "--quiet", "--bare", work, bare);
        return bare;
    }

    /// <summary>Runs git in <paramref name="directory"/> on the host and returns its output.</summary>
    public static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        string given = request.Headers.Authorization.ToString();
        _requests.Enqueue((request.Method, request.Path + request.QueryString, given));
        if (given != Authorization)
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Gitea\"";
            return;
        }

        var start = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GIT_PROJECT_ROOT"] = Root;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["REQUEST_METHOD"] = request.Method;
        start.Environment["PATH_INFO"] = request.Path.Value ?? "/";
        start.Environment["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        start.Environment["CONTENT_TYPE"] = request.ContentType ?? "";
        start.Environment["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();
        start.Environment["GIT_PROTOCOL"] = request.Headers["Git-Protocol"].ToString();
        // Set by an authenticating server; git http-backend then lets pushes in.
        start.Environment["REMOTE_USER"] = "botbottle";
        start.Environment["REMOTE_ADDR"] = context.Connection.RemoteIpAddress?.ToString() ?? "";
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await request.Body.CopyToAsync(process.StandardInput.BaseStream);
        process.StandardInput.Close();

        var output = process.StandardOutput.BaseStream;
        foreach (var line in await ReadHeadersAsync(output))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = int.Parse(value[..3], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                context.Response.Headers.Append(name, value);
            }
        }

        await output.CopyToAsync(context.Response.Body);
        await process.WaitForExitAsync();
        _ = await errors;
    }

    /// <summary>The CGI header lines, read byte by byte so nothing of the body after them is consumed.</summary>
    private static async Task<List<string>> ReadHeadersAsync(Stream output)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        var one = new byte[1];
        while (await output.ReadAsync(one) == 1)
        {
            if (one[0] == '\n')
            {
                var text = line.ToString().TrimEnd('\r');
                if (text.Length == 0)
                {
                    break;
                }

                lines.Add(text);
                line.Clear();
            }
            else
            {
                line.Append((char)one[0]);
            }
        }

        return lines;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
