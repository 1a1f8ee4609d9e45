namespace LocalAI.Council;

/// <summary>An agent failed or timed out; <see cref="CouncilOpinion.Error"/> says why.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Opinion">The failed opinion, with its error.</param>
public sealed record OpinionFailedEvent(string SessionId, DateTimeOffset Timestamp, CouncilOpinion Opinion)
    : CouncilEvent(SessionId, Timestamp);
