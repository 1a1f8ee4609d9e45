namespace LocalAI.Council;

/// <summary>One agent's place in the aggregate ranking.</summary>
/// <param name="Rank">The rank, 1 for the best; tied agents share a rank (1, 1, 3).</param>
/// <param name="AgentId">The agent.</param>
/// <param name="Model">The agent's model name.</param>
/// <param name="MeanScore">The mean of the scores it received; <see langword="null"/> when no valid review scored it.</param>
/// <param name="BordaCount">The Borda count: from each valid review, the number of responses it beat (ties share the points).</param>
/// <param name="ReviewCount">How many valid reviews scored it.</param>
/// <param name="IsTied">Whether another agent has the same mean score and Borda count.</param>
public sealed record CouncilRankingEntry(
    int Rank,
    string AgentId,
    string Model,
    double? MeanScore,
    double BordaCount,
    int ReviewCount,
    bool IsTied);
