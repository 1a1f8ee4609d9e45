namespace LocalAI.Council;

/// <summary>An agent answered.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Opinion">The answer.</param>
public sealed record OpinionCompletedEvent(string SessionId, DateTimeOffset Timestamp, CouncilOpinion Opinion)
    : CouncilEvent(SessionId, Timestamp);
