using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalAI.Council;

/// <summary>Source-generated JSON metadata for sessions and events: snake_case names, enums as strings, durations in milliseconds.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    Converters = [typeof(MillisecondsTimeSpanConverter)])]
[JsonSerializable(typeof(CouncilSession))]
[JsonSerializable(typeof(CouncilEvent))]
public sealed partial class CouncilJsonContext : JsonSerializerContext
{
    private static CouncilJsonContext? _indented;

    /// <summary>Gets a context that writes indented JSON.</summary>
    public static CouncilJsonContext Indented =>
        _indented ??= new CouncilJsonContext(new JsonSerializerOptions(Default.Options) { WriteIndented = true });
}
