using System.Text.Json;
using System.Text.Json.Serialization;

namespace BotBottle.Worker.Bottles;

/// <summary>
/// <c>&lt;state&gt;/&lt;slug&gt;/runtime.json</c>: present while the backend considers the bottle up.
/// It is how a bottle whose container vanished (killed by hand, engine restarted) is still listed,
/// marked as such, instead of silently disappearing.
/// </summary>
public sealed record RuntimeRecord(
    [property: JsonPropertyName("container")] string Container,
    [property: JsonPropertyName("network")] string Network,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("services")] IReadOnlyList<string> Services,
    [property: JsonPropertyName("subnet")] string? Subnet = null,
    [property: JsonPropertyName("egress_apis")] IReadOnlyList<string>? EgressApis = null,
    [property: JsonPropertyName("egress_extra")] IReadOnlyList<string>? EgressExtra = null,
    [property: JsonPropertyName("disk")] string? Disk = null,
    [property: JsonPropertyName("brokered_api")] BrokeredApi? BrokeredApi = null,
    [property: JsonPropertyName("brokered_git")] BrokeredGit? BrokeredGit = null)
{
    public const string FileName = "runtime.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static RuntimeRecord? TryRead(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        try
        {
            return JsonSerializer.Deserialize<RuntimeRecord>(File.ReadAllBytes(path));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            // A torn record still means "this bottle was up"; report it rather than hide it.
            return new RuntimeRecord("", "", "", []);
        }
    }

    public void Write(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(this, Indented));
        File.Move(temp, path, overwrite: true);
    }

    public static void Delete(string stateDirectory) => File.Delete(Path.Combine(stateDirectory, FileName));
}

/// <summary>The harness API the sidecar adds the credential for (no secret: where, and in which header).</summary>
public sealed record BrokeredApi(
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("header")] string Header)
{
    public static BrokeredApi? Of(Core.Harnesses.HarnessApiRoute? route) => route is null ? null : new(route.Origin.ToString(), route.Header);

    public Core.Harnesses.HarnessApiRoute? ToRoute() =>
        Uri.TryCreate(Origin, UriKind.Absolute, out var origin) ? new Core.Harnesses.HarnessApiRoute(origin, Header) : null;
}

/// <summary>The PR's repository the sidecar adds the Git host's token for (no secret: where).</summary>
public sealed record BrokeredGit(
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("repository")] string Repository)
{
    public static BrokeredGit? Of(Core.Egress.GitRemoteRoute? route) => route is null ? null : new(route.Origin.ToString(), route.RepositoryPath);

    public Core.Egress.GitRemoteRoute? ToRoute() =>
        Uri.TryCreate(Origin, UriKind.Absolute, out var origin) ? new Core.Egress.GitRemoteRoute(origin, Repository) : null;
}
