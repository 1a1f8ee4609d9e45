namespace LocalAI.Council;

/// <summary>The chairman failed; text it streamed so far is void, and the fallback writes the answer next.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="WriterId">Who failed.</param>
/// <param name="Model">Its model name.</param>
/// <param name="Error">The real error.</param>
public sealed record ChairmanFailedEvent(string SessionId, DateTimeOffset Timestamp, string WriterId, string Model, string Error)
    : CouncilEvent(SessionId, Timestamp);
