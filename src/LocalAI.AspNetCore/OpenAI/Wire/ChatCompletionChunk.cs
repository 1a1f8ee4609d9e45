using System.Text.Json.Serialization;

namespace LocalAI.AspNetCore;

/// <summary>One Server-Sent Event of a streamed chat completion; one instance is reused for every chunk of a stream.</summary>
internal sealed class ChatCompletionChunk
{
    public required string Id { get; init; }

    public string Object => "chat.completion.chunk";

    public required long Created { get; init; }

    public required string Model { get; set; }

    public required List<ChatChunkChoice> Choices { get; init; }

    public UsageResponse? Usage { get; set; }

    [JsonPropertyName("localai_backend")]
    public string? Backend { get; set; }

    [JsonPropertyName("localai_citations")]
    public List<ChatCitation>? Citations { get; set; }
}
