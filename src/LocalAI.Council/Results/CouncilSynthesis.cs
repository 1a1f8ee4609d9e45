using System.Text.Json.Serialization;

namespace LocalAI.Council;

/// <summary>The final answer (stage 3).</summary>
/// <param name="WriterId">Who wrote it: <c>chairman</c>, or <c>fallback_chairman</c> / the top-ranked <c>agent_N</c> when the chairman failed.</param>
/// <param name="Model">The writer's model name.</param>
/// <param name="Text">The final answer.</param>
/// <param name="UsedFallback">Whether the chairman failed and the fallback wrote it.</param>
/// <param name="FallbackReason">The chairman's real error, when the fallback wrote it.</param>
/// <param name="Tokens">The token counts of the generation that produced the answer.</param>
/// <param name="Latency">How long that generation took.</param>
public sealed record CouncilSynthesis(
    string WriterId,
    string Model,
    string Text,
    bool UsedFallback,
    string? FallbackReason,
    TokenCounts Tokens,
    [property: JsonPropertyName("latency_ms")] TimeSpan Latency);
