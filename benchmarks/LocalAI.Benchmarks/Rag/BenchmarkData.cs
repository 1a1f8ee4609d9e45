using LocalAI.Rag;

namespace LocalAI.Benchmarks.Rag;

internal static class BenchmarkData
{
    public static float[][] RandomUnitVectors(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var v = new float[dimensions];
            double norm = 0;
            for (var j = 0; j < dimensions; j++)
            {
                // Gaussian-ish components, like real embeddings more than uniform ones.
                v[j] = (float)(random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5);
                norm += v[j] * v[j];
            }

            var inv = (float)(1 / Math.Sqrt(norm));
            for (var j = 0; j < dimensions; j++)
            {
                v[j] *= inv;
            }

            vectors[i] = v;
        }

        return vectors;
    }

    public static VectorRecord[] Records(float[][] vectors) =>
        [.. vectors.Select((v, i) => new VectorRecord($"doc-{i / 10}:{i}", $"doc-{i / 10}", i % 10, "text", "hash", v))];

    public static double RecallAt10(IEnumerable<int> found, IEnumerable<int> exact) => found.Intersect(exact).Count() / 10.0;
}
