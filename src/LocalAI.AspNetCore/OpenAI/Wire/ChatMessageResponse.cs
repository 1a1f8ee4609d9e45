namespace LocalAI.AspNetCore;

/// <summary>The assistant's message in a chat completion, or the delta of one streamed chunk.</summary>
internal sealed class ChatMessageResponse
{
    public string? Role { get; set; }

    public string? Content { get; set; }
}
