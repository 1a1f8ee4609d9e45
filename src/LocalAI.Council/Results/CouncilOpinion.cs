using System.Text.Json.Serialization;

namespace LocalAI.Council;

/// <summary>One agent's answer to the question (stage 1), or why it has none.</summary>
/// <param name="AgentId">The agent: <c>agent_N</c>.</param>
/// <param name="Model">The model name.</param>
/// <param name="Text">The answer; <see langword="null"/> when the agent failed.</param>
/// <param name="Tokens">The token counts of the generation.</param>
/// <param name="Latency">How long the generation took.</param>
/// <param name="Error">Why the agent failed (its real error); <see langword="null"/> when it answered.</param>
public sealed record CouncilOpinion(
    string AgentId,
    string Model,
    string? Text,
    TokenCounts Tokens,
    [property: JsonPropertyName("latency_ms")] TimeSpan Latency,
    string? Error)
{
    /// <summary>Gets a value indicating whether the agent answered.</summary>
    public bool Succeeded => Error is null;
}
