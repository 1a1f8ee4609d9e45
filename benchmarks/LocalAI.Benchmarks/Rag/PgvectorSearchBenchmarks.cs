using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using LocalAI.Rag;

namespace LocalAI.Benchmarks.Rag;

/// <summary>What does pgvector's HNSW index buy over an exact scan, and at what recall@10?</summary>
/// <remarks>
/// Runs against PGlite started here, or a real PostgreSQL with pgvector when <c>RAG_BENCH_PG</c> holds a connection string.
/// <c>RAG_BENCH_PG_ROWS</c> sets the vectors loaded (384 dimensions; default 10,000 because PGlite loads a few hundred rows a
/// second with the HNSW index maintained). Load time and recall are printed in the setup output.
/// </remarks>
[MemoryDiagnoser]
public class PgvectorSearchBenchmarks
{
    private const int Dimensions = 384;
    private PgliteProcess? _pglite;
    private PostgresVectorStore _store = null!;
    private float[][] _queries = null!;
    private int _next;

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        _pglite?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "exact scan top-10")]
    public async Task<int> ExactScan() => (await _store.SearchAsync(_queries[_next++ & 31], new VectorSearchOptions { Top = 10, Exact = true })).Count;

    [Benchmark(Description = "HNSW top-10 (ef_search 100)")]
    public async Task<int> Hnsw() => (await _store.SearchAsync(_queries[_next++ & 31], new VectorSearchOptions { Top = 10 })).Count;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var rows = int.Parse(Environment.GetEnvironmentVariable("RAG_BENCH_PG_ROWS") ?? "10000", CultureInfo.InvariantCulture);
        var connection = Environment.GetEnvironmentVariable("RAG_BENCH_PG");
        if (string.IsNullOrEmpty(connection))
        {
            _pglite = new PgliteProcess();
            connection = _pglite.ConnectionString;
        }

        _store = PostgresVectorStore.Create(connection, new PostgresVectorStoreOptions { CollectionName = "bench_" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) });
        await _store.EnsureModelAsync(new EmbeddingModelIdentity("bench", Dimensions));
        var vectors = BenchmarkData.RandomUnitVectors(rows, Dimensions, seed: 5);
        var records = BenchmarkData.Records(vectors);
        var clock = Stopwatch.StartNew();
        foreach (var group in records.GroupBy(r => r.DocumentId).Select(g => new DocumentRecords(g.Key, [.. g])).Chunk(100))
        {
            await _store.ReplaceDocumentsAsync(group);
        }

        Console.WriteLine($"// loaded {rows} x {Dimensions} in {clock.Elapsed.TotalSeconds:F1} s ({rows / clock.Elapsed.TotalSeconds:F0} rows/s, HNSW maintained)");
        var random = new Random(6);
        _queries = [.. Enumerable.Range(0, 32).Select(_ => vectors[random.Next(rows)].Select(x => x + (float)((random.NextDouble() - 0.5) * 0.05)).ToArray())];
        double recall = 0;
        foreach (var q in _queries)
        {
            var exact = (await _store.SearchAsync(q, new VectorSearchOptions { Top = 10, Exact = true })).Select(h => h.Record.Id);
            var approx = (await _store.SearchAsync(q, new VectorSearchOptions { Top = 10 })).Select(h => h.Record.Id);
            recall += approx.Intersect(exact).Count() / 10.0;
        }

        Console.WriteLine($"// HNSW recall@10 against exact over {_queries.Length} queries: {recall / _queries.Length:F3}");
    }
}
