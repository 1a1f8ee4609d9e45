using System.Text.Json.Serialization;

namespace LocalAI.Council;

/// <summary>The latency of a session: per stage and in total.</summary>
/// <param name="Stage1Opinions">Stage 1, the opinions.</param>
/// <param name="Stage2Review">Stage 2, the reviews.</param>
/// <param name="Stage3Synthesis">Stage 3, the synthesis.</param>
/// <param name="TotalDuration">From the session's start to its end.</param>
public sealed record CouncilLatency(
    [property: JsonPropertyName("stage1_opinions")] StageLatency Stage1Opinions,
    [property: JsonPropertyName("stage2_review")] StageLatency Stage2Review,
    [property: JsonPropertyName("stage3_synthesis")] StageLatency Stage3Synthesis,
    [property: JsonPropertyName("total_duration_ms")] TimeSpan TotalDuration);
