using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalAI.AspNetCore;

/// <summary>The body of <c>POST /v1/chat/completions</c>, as OpenAI's chat completions API defines it.</summary>
internal sealed class ChatCompletionRequest
{
    public string? Model { get; set; }

    public List<ChatMessageRequest?>? Messages { get; set; }

    public bool? Stream { get; set; }

    public StreamOptionsRequest? StreamOptions { get; set; }

    public int? MaxTokens { get; set; }

    public int? MaxCompletionTokens { get; set; }

    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public float? FrequencyPenalty { get; set; }

    public float? PresencePenalty { get; set; }

    public JsonElement? Stop { get; set; }

    public long? Seed { get; set; }

    public int? N { get; set; }

    public ResponseFormatRequest? ResponseFormat { get; set; }

    public JsonElement? Tools { get; set; }

    public string? User { get; set; }

    /// <summary>Gets or sets a value indicating whether the answer retrieves passages from the server's RAG index first (this server's extension).</summary>
    [JsonPropertyName("localai_rag")]
    public bool? Rag { get; set; }
}
