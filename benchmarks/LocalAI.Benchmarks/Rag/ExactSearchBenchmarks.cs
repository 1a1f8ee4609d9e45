using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using LocalAI.Rag;

namespace LocalAI.Benchmarks.Rag;

/// <summary>How close is exact search over 100,000 x 384 float32 vectors to the memory-bandwidth floor, and what does int8 buy?</summary>
/// <remarks>
/// The baseline copies as many bytes as the exact scan reads (153.6 MB): bytes scanned divided by the copy bandwidth
/// measured in the same run. <see cref="ReadFloor"/> is a single pass that only reads them (a sum). Int8 recall@10
/// against exact search is printed in the setup output.
/// </remarks>
[MemoryDiagnoser]
public class ExactSearchBenchmarks
{
    private const int Count = 100_000;
    private const int Dimensions = 384;
    private FlatIndex _float32 = null!;
    private FlatIndex _int8 = null!;
    private float[] _flat = null!;
    private float[] _copy = null!;
    private float[][] _queries = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var vectors = BenchmarkData.RandomUnitVectors(Count, Dimensions, seed: 1);
        var records = BenchmarkData.Records(vectors);
        _float32 = FlatIndex.Build(records, Dimensions, int8: false);
        _int8 = FlatIndex.Build(records, Dimensions, int8: true);
        _flat = new float[Count * Dimensions];
        for (var i = 0; i < Count; i++)
        {
            vectors[i].CopyTo(_flat, i * Dimensions);
        }

        _copy = new float[_flat.Length];
        // Queries near stored vectors (a real query has close neighbours), perturbed.
        var noise = BenchmarkData.RandomUnitVectors(64, Dimensions, seed: 2);
        _queries = [.. Enumerable.Range(0, 64).Select(i =>
        {
            var q = new float[Dimensions];
            TensorPrimitives.MultiplyAdd(noise[i], 0.6f, vectors[i * 1_000], q);
            TensorPrimitives.Divide(q, TensorPrimitives.Norm(q), q);
            return q;
        })];

        double recall = 0;
        foreach (var q in _queries)
        {
            var exact = _float32.SearchExact(q, 10, null).Select(h => h.Row);
            var approx = _int8.SearchInt8(q, 10, 4, null).Select(h => h.Row);
            recall += BenchmarkData.RecallAt10(approx, exact);
        }

        Console.WriteLine($"// int8 recall@10 against exact over {_queries.Length} queries: {recall / _queries.Length:F3} (re-score factor 4)");
        Console.WriteLine($"// bytes scanned: float32 {(long)Count * Dimensions * 4 / 1e6:F1} MB, int8 {(long)Count * Dimensions / 1e6:F1} MB; cores: {Environment.ProcessorCount}");
    }

    [Benchmark(Baseline = true, Description = "memory copy of the scanned bytes (floor)")]
    public void CopyFloor() => _flat.AsSpan().CopyTo(_copy);

    [Benchmark(Description = "one read pass (sum)")]
    public float ReadFloor() => TensorPrimitives.Sum(_flat);

    [Benchmark(Description = "exact search top-10")]
    public int ExactSearch() => _float32.SearchExact(_queries[_next++ & 63], 10, null)[0].Row;

    [Benchmark(Description = "int8 search top-10 + exact re-score")]
    public int Int8Search() => _int8.SearchInt8(_queries[_next++ & 63], 10, 4, null)[0].Row;
}
