namespace LocalAI.Council;

/// <summary>Aggregates valid reviews into a ranking: mean score and Borda count per agent, ties stated.</summary>
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
        var borda = answered.ToDictionary(o => o.AgentId, _ => 0.0, StringComparer.Ordinal);
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

                // Borda: one point per response this one beat, half a point per response it tied with.
                var beaten = 0;
                var tied = -1;
                foreach (var other in review.Scores)
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

                list.Add(item.Score);
                borda[item.AgentId] += beaten + (tied * 0.5);
            }
        }

        var rows = answered
            .Select((o, order) => (Opinion: o, Order: order, Mean: scores[o.AgentId].Count > 0 ? scores[o.AgentId].Average() : (double?)null, Borda: borda[o.AgentId], Count: scores[o.AgentId].Count))
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

    private static bool Same(double? a, double? b) =>
        (a is null && b is null) || (a is { } x && b is { } y && Math.Abs(x - y) < Tolerance);
}
