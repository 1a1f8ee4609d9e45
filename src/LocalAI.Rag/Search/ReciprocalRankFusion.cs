namespace LocalAI.Rag;

/// <summary>Fuses rankings: a chunk scores the sum of <c>1 / (k + rank)</c> over the rankings that hold it (rank from 1).</summary>
internal static class ReciprocalRankFusion
{
    public static List<VectorSearchHit> Fuse(IReadOnlyList<IReadOnlyList<VectorSearchHit>> rankings, int k, int top)
    {
        var scores = new Dictionary<string, (VectorRecord Record, double Score)>(StringComparer.Ordinal);
        foreach (var ranking in rankings)
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                var record = ranking[rank].Record;
                var add = 1.0 / (k + rank + 1);
                scores[record.Id] = scores.TryGetValue(record.Id, out var existing)
                    ? (existing.Record.Vector.IsEmpty ? record : existing.Record, existing.Score + add)
                    : (record, add);
            }
        }

        return [.. scores.Values
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.Record.Id, StringComparer.Ordinal)
            .Take(top)
            .Select(s => new VectorSearchHit(s.Record, s.Score))];
    }
}
