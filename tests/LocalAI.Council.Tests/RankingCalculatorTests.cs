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
            [(1, "agent_1", 8.0, 0.75, 2, false), (2, "agent_2", 6.5, 0.5, 2, false), (3, "agent_3", 6.5, 0.25, 2, false)],
            ranking.Entries.Select(e => (e.Rank, e.AgentId, e.MeanScore!.Value, e.BordaScore, e.ReviewCount, e.IsTied)));
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
    public void AnAnswerWithMoreReviews_GainsNothingFromTheCount()
    {
        // agent_4's own review is excluded, so agent_4's answer is reviewed three times and agent_1's only twice.
        // Both score 7 every time and beat the same share of rivals in every review: they must tie.
        CouncilOpinion[] answered = [.. Answered, new("agent_4", "m4", "d", TokenCounts.Zero, TimeSpan.Zero, null)];
        var reviews = new[]
        {
            Review("agent_1", ("agent_2", 7), ("agent_3", 5), ("agent_4", 7)),
            Review("agent_2", ("agent_1", 7), ("agent_3", 5), ("agent_4", 7)),
            Review("agent_3", ("agent_1", 7), ("agent_2", 5), ("agent_4", 7)),
            Review("agent_4", ("agent_1", 1), ("agent_2", 1), ("agent_3", 1)) with { ExclusionReason = "bad JSON", Scores = [] },
        };

        var ranking = RankingCalculator.Compute(answered, reviews);

        var top = ranking.Entries.Take(2).OrderBy(e => e.AgentId, StringComparer.Ordinal).ToList();
        Assert.Equal([("agent_1", 1, 2, true), ("agent_4", 1, 3, true)], top.Select(e => (e.AgentId, e.Rank, e.ReviewCount, e.IsTied)));
        Assert.Equal(top[0].BordaScore, top[1].BordaScore, 9);
        Assert.Equal(["agent_1", "agent_4"], Assert.Single(ranking.Ties));
    }

    [Fact]
    public void AReviewOfFourResponses_WeighsTheSameAsAReviewOfTwo()
    {
        // A partial review that scores two answers counts each win as much as a full review does.
        CouncilOpinion[] answered = [.. Answered, new("agent_4", "m4", "d", TokenCounts.Zero, TimeSpan.Zero, null)];
        var reviews = new[] { Review("agent_1", ("agent_2", 9), ("agent_3", 8), ("agent_4", 2)), Review("agent_4", ("agent_1", 9), ("agent_2", 2)) };

        var ranking = RankingCalculator.Compute(answered, reviews);

        Assert.Equal(1.0, ranking.Entries.Single(e => e.AgentId == "agent_1").BordaScore, 9);
        Assert.Equal(1.0 / 2, ranking.Entries.Single(e => e.AgentId == "agent_2").BordaScore, 9);
    }

    [Fact]
    public void NoValidReviews_EveryoneIsTied()
    {
        var ranking = RankingCalculator.Compute(Answered, []);

        Assert.All(ranking.Entries, e => Assert.Equal((1, true), (e.Rank, e.IsTied)));
        Assert.Equal(["agent_1", "agent_2", "agent_3"], Assert.Single(ranking.Ties));
    }
}
