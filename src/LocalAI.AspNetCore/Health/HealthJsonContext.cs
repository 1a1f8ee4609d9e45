using System.Text.Json.Serialization;

namespace LocalAI.AspNetCore;

/// <summary>The source-generated serializer of the health answers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthReportResponse))]
[JsonSerializable(typeof(BackendsHealthResponse))]
[JsonSerializable(typeof(SystemHealthResponse))]
internal sealed partial class HealthJsonContext : JsonSerializerContext
{
}
