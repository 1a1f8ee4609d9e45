namespace LocalAI.Council;

/// <summary>One agent's place in the aggregate ranking.</summary>
/// <param name="Rank">The rank, 1 for the best; tied agents share a rank (1, 1, 3).</param>
/// <param name="AgentId">The agent.</param>
/// <param name="Model">The agent's model name.</param>
/// <param name="MeanScore">The mean of the scores it received; <see langword="null"/> when no valid review scored it.</param>
/// <param name="BordaScore">
/// The Borda score, 0 to 1: the mean, over the valid reviews that scored it beside at least one other response, of the
/// share of those other responses it beat (a tie counts half). A mean, so the number of reviews received does not count.
/// </param>
/// <param name="ReviewCount">How many valid reviews scored it.</param>
/// <param name="IsTied">Whether another agent has the same mean score and Borda score.</param>
public sealed record CouncilRankingEntry(
    int Rank,
    string AgentId,
    string Model,
    double? MeanScore,
    double BordaScore,
    int ReviewCount,
    bool IsTied);
