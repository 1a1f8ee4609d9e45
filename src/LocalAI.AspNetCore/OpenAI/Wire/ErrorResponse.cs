namespace LocalAI.AspNetCore;

/// <summary>OpenAI's error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal sealed class ErrorResponse
{
    public required ErrorBody Error { get; init; }
}
