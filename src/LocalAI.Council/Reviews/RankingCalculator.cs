namespace LocalAI.Council;

/// <summary>
/// Aggregates valid reviews into a ranking: per agent the mean of its scores and its Borda score, the mean over the
/// reviews that scored it of the share of rivals it beat; both are averages, so an answer that received more reviews
/// (because another reviewer's review was excluded) gains nothing from the count. Ties are stated.
/// </summary>
internal static class RankingCalculator
{
    private const double Tolerance = 1e-9;

    public static CouncilRanking Compute(IReadOnlyList<CouncilOpinion> answered, IReadOnlyList<CouncilReview> reviews)
    {
        if (answered.Count == 0)
        {
            return CouncilRanking.Empty;
        }

        var scores = answered.ToDictionary(o => o.AgentId, _ => new List<double>(), StringComparer.Ordinal);
        var borda = answered.ToDictionary(o => o.AgentId, _ => new List<double>(), StringComparer.Ordinal);
        foreach (var review in reviews)
        {
            if (!review.IsValid)
            {
                continue;
            }

            foreach (var item in review.Scores)
            {
                if (!scores.TryGetValue(item.AgentId, out var list))
                {
                    continue;
                }

                list.Add(item.Score);
                if (review.Scores.Count > 1)
                {
                    borda[item.AgentId].Add(BordaShare(item, review.Scores));
                }
            }
        }

        var rows = answered
            .Select((o, order) => (Opinion: o, Order: order, Mean: scores[o.AgentId].Count > 0 ? scores[o.AgentId].Average() : (double?)null, Borda: borda[o.AgentId].Count > 0 ? borda[o.AgentId].Average() : 0.0, Count: scores[o.AgentId].Count))
            .OrderByDescending(r => r.Mean ?? double.NegativeInfinity)
            .ThenByDescending(r => r.Borda)
            .ThenBy(r => r.Order)
            .ToList();

        var entries = new List<CouncilRankingEntry>(rows.Count);
        var ties = new List<IReadOnlyList<string>>();
        var i = 0;
        while (i < rows.Count)
        {
            var j = i + 1;
            while (j < rows.Count && Same(rows[i].Mean, rows[j].Mean) && Math.Abs(rows[i].Borda - rows[j].Borda) < Tolerance)
            {
                j++;
            }

            var tiedGroup = j - i > 1;
            if (tiedGroup)
            {
                ties.Add(rows.Skip(i).Take(j - i).Select(r => r.Opinion.AgentId).ToList());
            }

            for (var k = i; k < j; k++)
            {
                var r = rows[k];
                entries.Add(new CouncilRankingEntry(i + 1, r.Opinion.AgentId, r.Opinion.Model, r.Mean, r.Borda, r.Count, tiedGroup));
            }

            i = j;
        }

        return new CouncilRanking(entries, ties);
    }

    /// <summary>
    /// The share of the other responses in one review that <paramref name="item"/> beat, a tie counting half: 0 to 1,
    /// so a review of four responses weighs the same as a review of two.
    /// </summary>
    private static double BordaShare(CouncilReviewScore item, IReadOnlyList<CouncilReviewScore> scores)
    {
        var beaten = 0;
        var tied = -1;
        foreach (var other in scores)
        {
            if (Math.Abs(other.Score - item.Score) < Tolerance)
            {
                tied++;
            }
            else if (other.Score < item.Score)
            {
                beaten++;
            }
        }

        return (beaten + (tied * 0.5)) / (scores.Count - 1);
    }

    private static bool Same(double? a, double? b) =>
        (a is null && b is null) || (a is { } x && b is { } y && Math.Abs(x - y) < Tolerance);
}
