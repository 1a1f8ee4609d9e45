namespace LocalAI.Rag;

/// <summary>Fuses a vector ranking and a BM25 ranking into one, weighted: by reciprocal rank or by min-max normalised score.</summary>
internal static class ReciprocalRankFusion
{
    /// <summary>Fuses the two rankings.</summary>
    /// <param name="vector">The vector hits, best first.</param>
    /// <param name="keyword">The BM25 hits, best first.</param>
    /// <param name="fusion">How.</param>
    /// <param name="vectorWeight">The vector ranking's weight <c>w</c> in [0, 1]; BM25 gets <c>1 - w</c>.</param>
    /// <param name="k">The reciprocal-rank constant.</param>
    /// <param name="top">How many to keep.</param>
    /// <returns>The fused hits, best first, with the fused score.</returns>
    public static List<VectorSearchHit> Fuse(IReadOnlyList<VectorSearchHit> vector, IReadOnlyList<VectorSearchHit> keyword, HybridFusion fusion, double vectorWeight, int k, int top)
    {
        var scores = new Dictionary<string, (VectorRecord Record, double Score)>(StringComparer.Ordinal);
        Add(scores, vector, fusion, vectorWeight, k);
        Add(scores, keyword, fusion, 1 - vectorWeight, k);
        return [.. scores.Values
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.Record.Id, StringComparer.Ordinal)
            .Take(top)
            .Select(s => new VectorSearchHit(s.Record, s.Score))];
    }

    private static void Add(Dictionary<string, (VectorRecord Record, double Score)> scores, IReadOnlyList<VectorSearchHit> ranking, HybridFusion fusion, double weight, int k)
    {
        if (ranking.Count == 0 || weight <= 0)
        {
            return;
        }

        var max = ranking.Max(h => h.Score);
        var min = ranking.Min(h => h.Score);
        for (var rank = 0; rank < ranking.Count; rank++)
        {
            var record = ranking[rank].Record;
            var add = fusion == HybridFusion.ReciprocalRank
                ? weight / (k + rank + 1)
                : weight * (max > min ? (ranking[rank].Score - min) / (max - min) : 1.0);
            scores[record.Id] = scores.TryGetValue(record.Id, out var existing)
                ? (existing.Record.Vector.IsEmpty ? record : existing.Record, existing.Score + add)
                : (record, add);
        }
    }
}
