namespace LocalAI.AspNetCore;

/// <summary>The body of <c>POST /api/council</c>, <c>/api/council/stream</c> and the first message of <c>/api/council/ws</c>: a question, and optionally the agents that answer and review it.</summary>
/// <param name="Question">The question.</param>
/// <param name="Agents">Two or more agents; <see langword="null"/> or empty for the council the server registered with <c>AddCouncil</c>.</param>
/// <param name="Chairman">The chairman who writes the final answer; <see langword="null"/> for the first agent.</param>
/// <param name="MaxOutputTokens">The most tokens each generation may produce; <see langword="null"/> for the backends' defaults.</param>
/// <param name="Temperature">The sampling temperature of every generation (0 samples greedily); <see langword="null"/> for the backends' defaults.</param>
/// <param name="ShuffleSeed">The seed of the review orders and prompts, for reproducible sessions; <see langword="null"/> for a new order every session.</param>
public sealed record CouncilSessionRequest(
    string? Question,
    IReadOnlyList<CouncilAgentRequest>? Agents,
    CouncilAgentRequest? Chairman,
    int? MaxOutputTokens,
    double? Temperature = null,
    int? ShuffleSeed = null);
