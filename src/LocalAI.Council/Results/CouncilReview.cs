using System.Text.Json.Serialization;

namespace LocalAI.Council;

/// <summary>One agent's review of the others' answers (stage 2).</summary>
/// <param name="ReviewerId">The reviewing agent.</param>
/// <param name="Model">The reviewer's model name.</param>
/// <param name="Labels">Which agent each label stood for, in the order the reviewer saw them.</param>
/// <param name="Scores">
/// The scores, in the reviewer's order; empty when the review was excluded. A review that left some responses out
/// holds the scores it gave, which count in the ranking; <see cref="Unscored"/> names the rest.
/// </param>
/// <param name="Repaired">Whether the first reply failed validation or left responses out, and the repair reply was used.</param>
/// <param name="ExclusionReason">Why the review was excluded from the ranking; <see langword="null"/> when it counts.</param>
/// <param name="Tokens">The token counts of the review and its repair.</param>
/// <param name="Latency">How long the review and its repair took.</param>
public sealed record CouncilReview(
    string ReviewerId,
    string Model,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<CouncilReviewScore> Scores,
    bool Repaired,
    string? ExclusionReason,
    TokenCounts Tokens,
    [property: JsonPropertyName("latency_ms")] TimeSpan Latency)
{
    /// <summary>Gets a value indicating whether the review counts in the ranking.</summary>
    public bool IsValid => ExclusionReason is null;

    /// <summary>Gets the labels a valid review did not score (its reviewer left them out, even after the repair request).</summary>
    public IReadOnlyList<string> Unscored { get; init; } = [];
}
