using System.Text.Json.Serialization;

namespace LocalAI.Mlx;

/// <summary>Source-generated serialization of the sidecar's lines.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SidecarMessage))]
internal sealed partial class SidecarJsonContext : JsonSerializerContext;
