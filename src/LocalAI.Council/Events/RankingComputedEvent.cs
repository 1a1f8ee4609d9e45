namespace LocalAI.Council;

/// <summary>The aggregate ranking was computed from the valid reviews.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Ranking">The ranking.</param>
public sealed record RankingComputedEvent(string SessionId, DateTimeOffset Timestamp, CouncilRanking Ranking)
    : CouncilEvent(SessionId, Timestamp);
