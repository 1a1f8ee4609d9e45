namespace LocalAI.Council;

/// <summary>A session started.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Question">The question.</param>
/// <param name="AgentIds">The agents, in order.</param>
public sealed record SessionStartedEvent(string SessionId, DateTimeOffset Timestamp, string Question, IReadOnlyList<string> AgentIds)
    : CouncilEvent(SessionId, Timestamp);
