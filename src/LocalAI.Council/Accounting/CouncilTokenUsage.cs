using System.Text.Json.Serialization;

namespace LocalAI.Council;

/// <summary>The token usage of a session: per stage (each broken down by model) and in total.</summary>
/// <param name="Stage1Opinions">Stage 1, the opinions.</param>
/// <param name="Stage2Review">Stage 2, the reviews and their repairs.</param>
/// <param name="Stage3Synthesis">Stage 3, the synthesis attempts.</param>
/// <param name="TotalPromptTokens">The prompt tokens of the session.</param>
/// <param name="TotalCompletionTokens">The completion tokens of the session.</param>
/// <param name="TotalTokens">The total tokens of the session.</param>
public sealed record CouncilTokenUsage(
    [property: JsonPropertyName("stage1_opinions")] StageTokenUsage Stage1Opinions,
    [property: JsonPropertyName("stage2_review")] StageTokenUsage Stage2Review,
    [property: JsonPropertyName("stage3_synthesis")] StageTokenUsage Stage3Synthesis,
    long TotalPromptTokens,
    long TotalCompletionTokens,
    long TotalTokens)
{
    internal static CouncilTokenUsage From(IReadOnlyList<CouncilGeneration> generations)
    {
        var s1 = StageTokenUsage.From(CouncilStage.Opinions, generations);
        var s2 = StageTokenUsage.From(CouncilStage.Review, generations);
        var s3 = StageTokenUsage.From(CouncilStage.Synthesis, generations);
        return new(
            s1,
            s2,
            s3,
            s1.TotalPromptTokens + s2.TotalPromptTokens + s3.TotalPromptTokens,
            s1.TotalCompletionTokens + s2.TotalCompletionTokens + s3.TotalCompletionTokens,
            s1.TotalTokens + s2.TotalTokens + s3.TotalTokens);
    }
}
