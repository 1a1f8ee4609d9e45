namespace LocalAI.Council;

/// <summary>The aggregate ranking of the agents that answered, ordered by mean score then Borda score (both averages over the reviews received).</summary>
/// <param name="Entries">The agents, best first.</param>
/// <param name="Ties">Each group of agent ids tied on both mean score and Borda score.</param>
public sealed record CouncilRanking(IReadOnlyList<CouncilRankingEntry> Entries, IReadOnlyList<IReadOnlyList<string>> Ties)
{
    /// <summary>Gets a ranking with no entries.</summary>
    public static CouncilRanking Empty { get; } = new([], []);

    /// <summary>Describes the ties in one sentence, for example <c>agent_1 and agent_3 are tied.</c>; empty when there are none.</summary>
    /// <returns>The sentence.</returns>
    public string DescribeTies() =>
        string.Join(' ', Ties.Select(t => string.Join(" and ", t) + " are tied."));
}
