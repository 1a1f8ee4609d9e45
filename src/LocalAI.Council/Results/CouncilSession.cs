using System.Text.Json;

namespace LocalAI.Council;

/// <summary>Everything a council session produced: opinions, reviews, ranking, synthesis, failures, usage and latency.</summary>
/// <param name="Id">The session id.</param>
/// <param name="Question">The question.</param>
/// <param name="StartedAt">When the session started.</param>
/// <param name="Opinions">Stage 1: every agent's answer or error, in agent order.</param>
/// <param name="Reviews">Stage 2: every review, valid or excluded.</param>
/// <param name="Ranking">The aggregate ranking.</param>
/// <param name="Synthesis">Stage 3: the final answer; <see langword="null"/> when the session failed before or during it.</param>
/// <param name="Failures">What failed along the way.</param>
/// <param name="Generations">Every model call, with its usage and latency.</param>
/// <param name="TokenUsage">Token usage per stage, per model and in total.</param>
/// <param name="Latency">Latency per stage and in total.</param>
public sealed record CouncilSession(
    string Id,
    string Question,
    DateTimeOffset StartedAt,
    IReadOnlyList<CouncilOpinion> Opinions,
    IReadOnlyList<CouncilReview> Reviews,
    CouncilRanking Ranking,
    CouncilSynthesis? Synthesis,
    IReadOnlyList<CouncilFailure> Failures,
    IReadOnlyList<CouncilGeneration> Generations,
    CouncilTokenUsage TokenUsage,
    CouncilLatency Latency)
{
    /// <summary>Serialises the session to JSON in snake_case (<c>token_usage.stage1_opinions.by_model</c>, <c>total_tokens</c>, ...), durations in milliseconds.</summary>
    /// <param name="indented">Whether to indent the output.</param>
    /// <returns>The JSON text.</returns>
    public string ToJson(bool indented = false) =>
        JsonSerializer.Serialize(this, indented ? CouncilJsonContext.Indented.CouncilSession : CouncilJsonContext.Default.CouncilSession);
}
