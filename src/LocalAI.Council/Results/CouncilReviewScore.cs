namespace LocalAI.Council;

/// <summary>A reviewer's score of one anonymised response, de-anonymised.</summary>
/// <param name="Label">The label the reviewer saw (<c>A</c>, <c>B</c>, ...).</param>
/// <param name="AgentId">The agent whose answer it was.</param>
/// <param name="Score">The score, from 1 to 10.</param>
/// <param name="Reasoning">The reviewer's reasoning, when given.</param>
public sealed record CouncilReviewScore(string Label, string AgentId, double Score, string? Reasoning);
