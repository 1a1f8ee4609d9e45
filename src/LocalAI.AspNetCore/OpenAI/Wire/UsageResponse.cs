namespace LocalAI.AspNetCore;

/// <summary>Token usage of a request, as OpenAI reports it.</summary>
internal sealed class UsageResponse
{
    public long PromptTokens { get; init; }

    public long? CompletionTokens { get; init; }

    public long TotalTokens { get; init; }
}
