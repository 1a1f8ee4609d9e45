namespace LocalAI.Council;

/// <summary>The token usage of one stage, per model and in total.</summary>
/// <param name="Stage">The stage these counts belong to; written as <c>"stage": "opinions"</c>, <c>"review"</c> or <c>"synthesis"</c>.</param>
/// <param name="ByModel">The counts per model name.</param>
/// <param name="TotalPromptTokens">The prompt tokens of the stage.</param>
/// <param name="TotalCompletionTokens">The completion tokens of the stage.</param>
/// <param name="TotalTokens">The total tokens of the stage.</param>
public sealed record StageTokenUsage(
    CouncilStage Stage,
    IReadOnlyDictionary<string, TokenCounts> ByModel,
    long TotalPromptTokens,
    long TotalCompletionTokens,
    long TotalTokens)
{
    internal static StageTokenUsage From(CouncilStage stage, IEnumerable<CouncilGeneration> generations)
    {
        var byModel = new SortedDictionary<string, TokenCounts>(StringComparer.Ordinal);
        var total = TokenCounts.Zero;
        foreach (var generation in generations.Where(g => g.Stage == stage))
        {
            byModel[generation.Model] = byModel.TryGetValue(generation.Model, out var sum) ? sum + generation.Tokens : generation.Tokens;
            total += generation.Tokens;
        }

        return new(stage, byModel, total.PromptTokens, total.CompletionTokens, total.TotalTokens);
    }
}
