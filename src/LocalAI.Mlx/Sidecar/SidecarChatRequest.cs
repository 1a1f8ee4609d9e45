namespace LocalAI.Mlx;

/// <summary>A streamed <c>chat</c> request: the model, the conversation and the sampling settings the request sets.</summary>
/// <param name="Model">The model.</param>
/// <param name="Messages">The conversation.</param>
internal sealed record SidecarChatRequest(string Model, IReadOnlyList<SidecarChatMessage> Messages)
{
    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? MaxTokens { get; init; }

    public long? Seed { get; init; }

    public IReadOnlyList<string>? Stop { get; init; }
}
