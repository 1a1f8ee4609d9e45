namespace LocalAI.Council;

/// <summary>The chairman (or its fallback) started writing the final answer.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="WriterId">Who writes it.</param>
/// <param name="Model">Its model name.</param>
/// <param name="IsFallback">Whether this is the fallback after the chairman failed.</param>
public sealed record SynthesisStartedEvent(string SessionId, DateTimeOffset Timestamp, string WriterId, string Model, bool IsFallback)
    : CouncilEvent(SessionId, Timestamp);
