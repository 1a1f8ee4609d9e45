namespace LocalAI.AspNetCore;

/// <summary>The one choice of a streamed chunk: the delta and, on the last one, the finish reason.</summary>
internal sealed class ChatChunkChoice
{
    public int Index { get; set; }

    public ChatMessageResponse Delta { get; } = new();

    public string? FinishReason { get; set; }
}
