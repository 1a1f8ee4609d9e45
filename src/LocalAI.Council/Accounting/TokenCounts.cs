using Microsoft.Extensions.AI;

namespace LocalAI.Council;

/// <summary>Token counts of one generation or a sum of generations.</summary>
/// <param name="PromptTokens">The input (prompt) tokens.</param>
/// <param name="CompletionTokens">The output (completion) tokens.</param>
/// <param name="TotalTokens">The total tokens, as the backend reported it, else prompt plus completion.</param>
public sealed record TokenCounts(long PromptTokens, long CompletionTokens, long TotalTokens)
{
    /// <summary>Gets no tokens.</summary>
    public static TokenCounts Zero { get; } = new(0, 0, 0);

    /// <summary>Adds two counts.</summary>
    /// <param name="left">The first count.</param>
    /// <param name="right">The second count.</param>
    /// <returns>The sum.</returns>
    public static TokenCounts operator +(TokenCounts left, TokenCounts right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(left.PromptTokens + right.PromptTokens, left.CompletionTokens + right.CompletionTokens, left.TotalTokens + right.TotalTokens);
    }

    /// <summary>Adds two counts.</summary>
    /// <param name="other">The count to add.</param>
    /// <returns>The sum.</returns>
    public TokenCounts Add(TokenCounts other) => this + other;

    /// <summary>Reads the counts of a response's <see cref="UsageDetails"/>; missing counts are zero.</summary>
    /// <param name="usage">The usage, or <see langword="null"/> when the backend reported none.</param>
    /// <returns>The counts.</returns>
    public static TokenCounts From(UsageDetails? usage)
    {
        if (usage is null)
        {
            return Zero;
        }

        var prompt = usage.InputTokenCount ?? 0;
        var completion = usage.OutputTokenCount ?? 0;
        return new(prompt, completion, usage.TotalTokenCount ?? (prompt + completion));
    }
}
