namespace LocalAI.Council;

/// <summary>A review finished, valid or excluded (see <see cref="CouncilReview.ExclusionReason"/>).</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Review">The review.</param>
public sealed record ReviewCompletedEvent(string SessionId, DateTimeOffset Timestamp, CouncilReview Review)
    : CouncilEvent(SessionId, Timestamp);
