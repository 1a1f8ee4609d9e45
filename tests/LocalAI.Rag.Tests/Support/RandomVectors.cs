namespace LocalAI.Rag.Tests;

internal static class RandomVectors
{
    public static float[][] Create(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray())];
    }

    public static List<DocumentRecords> AsDocuments(float[][] vectors, int perDocument, Func<int, IReadOnlyDictionary<string, string>>? metadata = null) =>
        [.. vectors
            .Select((v, i) => (Vector: v, Row: i))
            .GroupBy(x => x.Row / perDocument)
            .Select(g => new DocumentRecords(
                $"doc-{g.Key}",
                [.. g.Select(x => new VectorRecord($"doc-{g.Key}:{x.Row}", $"doc-{g.Key}", x.Row % perDocument, $"text {x.Row}", $"h{x.Row}", x.Vector)
                {
                    Metadata = metadata?.Invoke(x.Row) ?? new Dictionary<string, string>(),
                })]))];

    /// <summary>The reference: cosine similarity in double precision over every row, best first.</summary>
    public static List<(int Row, double Score)> BruteForce(float[][] vectors, float[] query, int top, Func<int, bool>? include = null)
    {
        double qn = 0;
        foreach (var x in query)
        {
            qn += (double)x * x;
        }

        var scores = new List<(int Row, double Score)>(vectors.Length);
        for (var i = 0; i < vectors.Length; i++)
        {
            if (include is not null && !include(i))
            {
                continue;
            }

            double dot = 0, norm = 0;
            var v = vectors[i];
            for (var j = 0; j < v.Length; j++)
            {
                dot += (double)v[j] * query[j];
                norm += (double)v[j] * v[j];
            }

            scores.Add((i, dot / Math.Sqrt(norm * qn)));
        }

        scores.Sort((a, b) => b.Score.CompareTo(a.Score));
        return scores.Take(top).ToList();
    }

    public static int Row(VectorSearchHit hit) => int.Parse(hit.Record.Id[(hit.Record.Id.IndexOf(':', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
}
