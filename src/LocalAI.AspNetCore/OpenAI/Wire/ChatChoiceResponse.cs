namespace LocalAI.AspNetCore;

/// <summary>One choice of a non-streaming chat completion.</summary>
internal sealed class ChatChoiceResponse
{
    public int Index { get; init; }

    public required ChatMessageResponse Message { get; init; }

    public required string FinishReason { get; init; }
}
