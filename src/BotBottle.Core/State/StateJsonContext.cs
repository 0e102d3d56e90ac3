using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using BotBottle.Core.Bottles;

namespace BotBottle.Core.State;

[JsonSerializable(typeof(BottleMetadata))]
internal sealed partial class StateJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Indented like the prototype's <c>json.dumps(indent=2)</c>. Relaxed escaping keeps "+00:00" and
    /// non-ASCII labels readable; the file is never embedded in HTML, which is what the strict encoder guards.
    /// </summary>
    public static StateJsonContext Files { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = false,
    });
}
