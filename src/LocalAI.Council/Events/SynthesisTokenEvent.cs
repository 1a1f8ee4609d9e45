namespace LocalAI.Council;

/// <summary>A piece of the final answer, as streamed by the writer.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="WriterId">Who writes it.</param>
/// <param name="Text">The text of this update.</param>
public sealed record SynthesisTokenEvent(string SessionId, DateTimeOffset Timestamp, string WriterId, string Text)
    : CouncilEvent(SessionId, Timestamp);
