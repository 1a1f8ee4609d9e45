namespace LocalAI.Council.Tests;

public sealed class RankingCalculatorTests
{
    private static readonly CouncilOpinion[] Answered =
    [
        new("agent_1", "m1", "a", TokenCounts.Zero, TimeSpan.Zero, null),
        new("agent_2", "m2", "b", TokenCounts.Zero, TimeSpan.Zero, null),
        new("agent_3", "m3", "c", TokenCounts.Zero, TimeSpan.Zero, null),
    ];

    private static CouncilReview Review(string reviewer, params (string AgentId, double Score)[] scores) =>
        new(reviewer, "m", scores.Select((s, i) => (ReviewPrompt.Label(i), s.AgentId)).ToDictionary(p => p.Item1, p => p.AgentId),
            scores.Select((s, i) => new CouncilReviewScore(ReviewPrompt.Label(i), s.AgentId, s.Score, null)).ToList(), false, null, TokenCounts.Zero, TimeSpan.Zero);

    [Fact]
    public void MeanAndBorda_MatchHandComputedValues()
    {
        var reviews = new[]
        {
            Review("agent_1", ("agent_2", 8), ("agent_3", 6)),   // agent_2 +1
            Review("agent_2", ("agent_1", 7), ("agent_3", 7)),   // tie: +0.5 each
            Review("agent_3", ("agent_1", 9), ("agent_2", 5)),   // agent_1 +1
        };

        var ranking = RankingCalculator.Compute(Answered, reviews);

        Assert.Equal(
            [(1, "agent_1", 8.0, 1.5, 2, false), (2, "agent_2", 6.5, 1.0, 2, false), (3, "agent_3", 6.5, 0.5, 2, false)],
            ranking.Entries.Select(e => (e.Rank, e.AgentId, e.MeanScore!.Value, e.BordaCount, e.ReviewCount, e.IsTied)));
        Assert.Empty(ranking.Ties);
        Assert.Equal(string.Empty, ranking.DescribeTies());
    }

    [Fact]
    public void EqualMeanAndBorda_IsATie_StatedAndSharingTheRank()
    {
        var reviews = new[]
        {
            Review("agent_1", ("agent_2", 7), ("agent_3", 7)),
            Review("agent_2", ("agent_1", 8), ("agent_3", 6)),
            Review("agent_3", ("agent_1", 8), ("agent_2", 6)),
        };

        var ranking = RankingCalculator.Compute(Answered, reviews);

        Assert.Equal([(1, "agent_1", false), (2, "agent_2", true), (2, "agent_3", true)], ranking.Entries.Select(e => (e.Rank, e.AgentId, e.IsTied)));
        Assert.Equal(["agent_2", "agent_3"], Assert.Single(ranking.Ties));
        Assert.Equal("agent_2 and agent_3 are tied.", ranking.DescribeTies());
    }

    [Fact]
    public void ExcludedReviews_DoNotCount_AndUnscoredAgentsComeLastWithoutAMean()
    {
        var excluded = Review("agent_3", ("agent_1", 1), ("agent_2", 10)) with { ExclusionReason = "bad JSON", Scores = [] };
        var reviews = new[] { Review("agent_1", ("agent_2", 4)), Review("agent_2", ("agent_1", 9)), excluded };

        var ranking = RankingCalculator.Compute(Answered, reviews);

        Assert.Equal([("agent_1", 9.0), ("agent_2", 4.0)], ranking.Entries.Take(2).Select(e => (e.AgentId, e.MeanScore!.Value)));
        var last = ranking.Entries[2];
        Assert.Equal(("agent_3", null, 0, 3), (last.AgentId, last.MeanScore, last.ReviewCount, last.Rank));
    }

    [Fact]
    public void NoValidReviews_EveryoneIsTied()
    {
        var ranking = RankingCalculator.Compute(Answered, []);

        Assert.All(ranking.Entries, e => Assert.Equal((1, true), (e.Rank, e.IsTied)));
        Assert.Equal(["agent_1", "agent_2", "agent_3"], Assert.Single(ranking.Ties));
    }
}
