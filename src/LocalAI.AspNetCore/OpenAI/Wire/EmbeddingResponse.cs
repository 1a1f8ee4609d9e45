using System.Text.Json.Serialization;

namespace LocalAI.AspNetCore;

/// <summary>The answer of <c>POST /v1/embeddings</c>.</summary>
internal sealed class EmbeddingResponse
{
    public string Object => "list";

    public required List<EmbeddingItem> Data { get; init; }

    public required string Model { get; init; }

    public required UsageResponse Usage { get; init; }

    [JsonPropertyName("localai_backend")]
    public string? Backend { get; init; }
}
