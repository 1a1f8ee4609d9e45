using System.Text.Json.Serialization;

namespace LocalAI.Council;

/// <summary>Something that happened during a council session, yielded by <see cref="ChatCouncil.StreamAsync"/> as it happens; serialises with a <c>type</c> discriminator.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Timestamp">When it happened.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SessionStartedEvent), "session_started")]
[JsonDerivedType(typeof(OpinionStartedEvent), "opinion_started")]
[JsonDerivedType(typeof(OpinionCompletedEvent), "opinion_completed")]
[JsonDerivedType(typeof(OpinionFailedEvent), "opinion_failed")]
[JsonDerivedType(typeof(ReviewCompletedEvent), "review_completed")]
[JsonDerivedType(typeof(RankingComputedEvent), "ranking_computed")]
[JsonDerivedType(typeof(SynthesisStartedEvent), "synthesis_started")]
[JsonDerivedType(typeof(SynthesisTokenEvent), "synthesis_token")]
[JsonDerivedType(typeof(ChairmanFailedEvent), "chairman_failed")]
[JsonDerivedType(typeof(SessionCompletedEvent), "session_completed")]
public abstract record CouncilEvent(string SessionId, DateTimeOffset Timestamp);
