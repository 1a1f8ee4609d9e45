namespace LocalAI.AspNetCore;

/// <summary>The body of <c>POST .../council/sessions</c>: a question, the agents that answer and review it, and the chairman.</summary>
/// <param name="Question">The question.</param>
/// <param name="Agents">Two or more agents.</param>
/// <param name="Chairman">The chairman who writes the final answer; <see langword="null"/> for the first agent.</param>
/// <param name="MaxOutputTokens">The most tokens each generation may produce; <see langword="null"/> for the backends' defaults.</param>
public sealed record CouncilSessionRequest(string? Question, IReadOnlyList<CouncilAgentRequest>? Agents, CouncilAgentRequest? Chairman, int? MaxOutputTokens);
