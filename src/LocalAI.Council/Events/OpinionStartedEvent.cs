namespace LocalAI.Council;

/// <summary>An agent's opinion request was sent (after it got a concurrency slot on its endpoint).</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="AgentId">The agent.</param>
/// <param name="Model">Its model name.</param>
public sealed record OpinionStartedEvent(string SessionId, DateTimeOffset Timestamp, string AgentId, string Model)
    : CouncilEvent(SessionId, Timestamp);
