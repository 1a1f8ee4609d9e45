using System.Text.Json.Serialization;

namespace LocalAI.AspNetCore;

/// <summary>The answer of a non-streaming chat completion.</summary>
internal sealed class ChatCompletionResponse
{
    public required string Id { get; init; }

    public string Object => "chat.completion";

    public required long Created { get; init; }

    public required string Model { get; init; }

    public required List<ChatChoiceResponse> Choices { get; init; }

    public UsageResponse? Usage { get; init; }

    [JsonPropertyName("localai_backend")]
    public string? Backend { get; init; }

    [JsonPropertyName("localai_citations")]
    public List<ChatCitation>? Citations { get; init; }
}
