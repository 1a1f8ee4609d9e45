namespace LocalAI.Council;

/// <summary>The session finished; the last event of a successful stream.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Session">Everything the session produced.</param>
public sealed record SessionCompletedEvent(string SessionId, DateTimeOffset Timestamp, CouncilSession Session)
    : CouncilEvent(SessionId, Timestamp);
