using System.Text.Json;

namespace BotBottle.Cli.Server;

/// <summary>
/// Where the stack's API is and the token for it: a flag, else the environment
/// (BOTBOTTLE_SERVER, BOTBOTTLE_TOKEN), else ~/.config/botbottle/config.json, else localhost.
/// <see cref="Source"/> says which, so "cannot reach" can say where it looked.
/// </summary>
public sealed record ServerSettings(Uri Url, string Token, string Source)
{
    public const string DefaultUrl = "http://localhost:5170";

    private static readonly JsonSerializerOptions ConfigJson = new(JsonSerializerDefaults.Web);

    public static string ConfigPath => Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"),
        "botbottle", "config.json");

    public static ServerSettings Resolve(string? serverFlag, string? tokenFlag)
    {
        var file = ReadConfig();
        var (url, source) = serverFlag is { Length: > 0 } ? (serverFlag, "--server")
            : Environment.GetEnvironmentVariable("BOTBOTTLE_SERVER") is { Length: > 0 } env ? (env, "BOTBOTTLE_SERVER")
            : file?.Server is { Length: > 0 } configured ? (configured, ConfigPath)
            : (DefaultUrl, "the default");
        var token = tokenFlag ?? Environment.GetEnvironmentVariable("BOTBOTTLE_TOKEN") ?? file?.Token ?? "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliException($"'{url}' (from {source}) is not an http(s) URL");
        }

        return new ServerSettings(uri, token, source);
    }

    private static ConfigFile? ReadConfig()
    {
        try
        {
            return JsonSerializer.Deserialize<ConfigFile>(File.ReadAllText(ConfigPath), ConfigJson);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException ex)
        {
            throw new CliException($"{ConfigPath} is not valid JSON: {ex.Message}");
        }
    }

    private sealed record ConfigFile(string? Server, string? Token);
}

/// <summary>A failure the user can act on; printed as one line, exit code 2 (1 is the agent failing).</summary>
public sealed class CliException(string message) : Exception(message)
{
    public CliException() : this("botbottle failed")
    {
    }

    public CliException(string message, Exception inner) : this(message + ": " + inner.Message)
    {
    }

    /// <summary>The server was not reached or did not answer: a request with an idempotency key may be sent again.</summary>
    public bool Unanswered { get; init; }
}
