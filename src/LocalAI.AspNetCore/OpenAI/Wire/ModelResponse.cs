using System.Text.Json.Serialization;

namespace LocalAI.AspNetCore;

/// <summary>One model of <c>GET /v1/models</c>; <c>owned_by</c> and <c>localai_backend</c> name the backend that serves it.</summary>
internal sealed class ModelResponse
{
    public required string Id { get; init; }

    public string Object => "model";

    public long Created { get; init; }

    public required string OwnedBy { get; init; }

    [JsonPropertyName("localai_backend")]
    public required string Backend { get; init; }

    public IReadOnlyList<string>? Capabilities { get; init; }

    public int? ContextLength { get; init; }

    public int? EmbeddingDimensions { get; init; }
}
