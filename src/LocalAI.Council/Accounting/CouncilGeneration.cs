namespace LocalAI.Council;

/// <summary>One call to a model during a session (an opinion, a review or its repair, a synthesis attempt), with its usage and latency.</summary>
/// <param name="Stage">The stage it belongs to.</param>
/// <param name="AgentId">Who generated it: <c>agent_N</c>, <c>chairman</c> or <c>fallback_chairman</c>.</param>
/// <param name="Model">The model name used in the breakdowns.</param>
/// <param name="Purpose">What it was: <c>opinion</c>, <c>review</c>, <c>review_repair</c>, <c>synthesis</c> or <c>fallback_synthesis</c>.</param>
/// <param name="Tokens">The token counts from <c>ChatResponse.Usage</c> (zero when the backend reported none or the call failed).</param>
/// <param name="Latency">The time from sending the request to the end of the response (waiting for a concurrency slot excluded).</param>
/// <param name="Succeeded">Whether the call returned a response.</param>
/// <param name="Error">The error of a failed call.</param>
public sealed record CouncilGeneration(
    CouncilStage Stage,
    string AgentId,
    string Model,
    string Purpose,
    TokenCounts Tokens,
    TimeSpan Latency,
    bool Succeeded,
    string? Error);
