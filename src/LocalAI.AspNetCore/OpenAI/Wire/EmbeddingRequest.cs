using System.Text.Json;

namespace LocalAI.AspNetCore;

/// <summary>The body of <c>POST /v1/embeddings</c>: <c>input</c> is a string or an array of strings.</summary>
internal sealed class EmbeddingRequest
{
    public JsonElement? Input { get; set; }

    public string? Model { get; set; }

    public string? EncodingFormat { get; set; }

    public int? Dimensions { get; set; }

    public string? User { get; set; }
}
