using System.Diagnostics;
using Xunit.Abstractions;

namespace LocalAI.Rag.Tests;

[Collection(PgliteCollection.Name)]
public sealed class PostgresVectorStoreTests(PgliteServer server, ITestOutputHelper output) : IDisposable
{
    private static readonly EmbeddingModelIdentity Model = new("random", 32);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private PostgresVectorStore NewStore(string collection, bool binaryCopy = true) =>
        new(server.DataSource, new PostgresVectorStoreOptions { CollectionName = collection, UseBinaryCopy = binaryCopy, HnswEfSearch = 64 });

    [Fact]
    public async Task Exact_search_returns_the_same_top_k_as_the_embedded_store()
    {
        var vectors = RandomVectors.Create(600, Model.Dimensions, seed: 21);
        var documents = RandomVectors.AsDocuments(vectors, 60, row => new Dictionary<string, string> { ["parity"] = row % 2 == 0 ? "even" : "odd" });
        await using var postgres = NewStore("same_topk");
        await using var embedded = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = _dir.File("e.ragstore"), FlushToDisk = false });
        foreach (IVectorStore store in new IVectorStore[] { postgres, embedded })
        {
            await store.EnsureModelAsync(Model);
            await store.ReplaceDocumentsAsync(documents);
        }

        foreach (var query in RandomVectors.Create(5, Model.Dimensions, seed: 22))
        {
            foreach (var filter in new[] { null, MetadataFilter.Where("parity", "odd") })
            {
                var options = new VectorSearchOptions { Top = 10, Exact = true, Filter = filter };
                var fromPostgres = await postgres.SearchAsync(query, options);
                var fromEmbedded = await embedded.SearchAsync(query, options);
                Assert.Equal(fromEmbedded.Select(h => h.Record.Id), fromPostgres.Select(h => h.Record.Id));
                Assert.All(fromPostgres.Zip(fromEmbedded), p => Assert.Equal(p.Second.Score, p.First.Score, 4));
                Assert.Equal(10, fromPostgres.Count);
            }
        }

        var first = (await postgres.SearchAsync(vectors[7], new VectorSearchOptions { Top = 1, Exact = true }))[0];
        Assert.Equal(("doc-0", 7, "odd"), (first.Record.DocumentId, first.Record.Index, first.Record.Metadata["parity"]));
    }

    [Fact]
    public async Task Hnsw_recall_at_10_against_exact_search()
    {
        const int Count = 1500;
        var vectors = RandomVectors.Create(Count, Model.Dimensions, seed: 23);
        await using var store = NewStore("hnsw_recall");
        await store.EnsureModelAsync(Model);
        var clock = Stopwatch.StartNew();
        await store.ReplaceDocumentsAsync(RandomVectors.AsDocuments(vectors, 100));
        output.WriteLine($"Upsert of {Count} x {Model.Dimensions} into PGlite (HNSW maintained): {clock.ElapsedMilliseconds} ms");

        double found = 0, total = 0;
        clock.Restart();
        foreach (var query in RandomVectors.Create(20, Model.Dimensions, seed: 24))
        {
            var approximate = await store.SearchAsync(query, new VectorSearchOptions { Top = 10 });
            var exact = RandomVectors.BruteForce(vectors, query, 10).Select(e => e.Row);
            found += approximate.Select(RandomVectors.Row).Intersect(exact).Count();
            total += 10;
        }

        var recall = found / total;
        output.WriteLine($"HNSW recall@10 = {recall:F3}, {clock.ElapsedMilliseconds / 20.0:F1} ms per query");
        Assert.True(recall >= 0.9, $"HNSW recall@10 was {recall:F3}");
    }

    [Fact]
    public async Task Filtered_hnsw_search_still_returns_a_full_top_k()
    {
        var vectors = RandomVectors.Create(1000, Model.Dimensions, seed: 25);
        bool IsRare(int row) => row % 40 == 0; // 25 rows
        await using var store = NewStore("filtered");
        await store.EnsureModelAsync(Model);
        await store.ReplaceDocumentsAsync(RandomVectors.AsDocuments(vectors, 100, row => new Dictionary<string, string> { ["kind"] = IsRare(row) ? "rare" : "common" }));

        var query = RandomVectors.Create(1, Model.Dimensions, seed: 26)[0];
        var hits = await store.SearchAsync(query, new VectorSearchOptions { Top = 10, Filter = MetadataFilter.Where("kind", "rare") });

        Assert.Equal(10, hits.Count);
        Assert.All(hits, h => Assert.Equal("rare", h.Record.Metadata["kind"]));
        var exact = RandomVectors.BruteForce(vectors, query, 10, IsRare).Select(e => e.Row).ToList();
        Assert.True(hits.Select(RandomVectors.Row).Intersect(exact).Count() >= 9);
    }

    [Fact]
    public async Task Replace_delete_and_keyword_search_round_trip()
    {
        var store = NewStore("round_trip");
        await using var _ = store;
        await store.EnsureModelAsync(Model);
        var vectors = RandomVectors.Create(3, Model.Dimensions, seed: 27);
        VectorRecord Record(string doc, int i, string text) => new($"{doc}:{i}", doc, i, text, $"h-{doc}-{i}-{text.Length}", vectors[i])
        {
            Context = i == 0 ? null : "Guide > Part",
            TokenCount = 5,
            Metadata = new Dictionary<string, string> { ["source"] = doc + ".md" },
        };

        await store.ReplaceDocumentsAsync([new DocumentRecords("a", [Record("a", 0, "pgvector stores embeddings"), Record("a", 1, "cooking beans")])]);
        await store.ReplaceDocumentsAsync([new DocumentRecords("a", [Record("a", 0, "pgvector builds HNSW indexes")]), new DocumentRecords("b", [Record("b", 2, "bm25 ranking")])]);

        var a = Assert.Single(await store.GetDocumentAsync("a"));
        Assert.Equal(("pgvector builds HNSW indexes", null, "a.md"), (a.Text, a.Context, a.Metadata["source"]));
        Assert.Equal(vectors[0], a.Vector.ToArray());
        Assert.Equal(2, await store.CountAsync());
        Assert.Equal("a", (await store.KeywordSearchAsync("HNSW indexes", new VectorSearchOptions()))[0].Record.DocumentId);
        Assert.Empty(await store.KeywordSearchAsync("HNSW", new VectorSearchOptions { Filter = MetadataFilter.Where("source", "b.md") }));
        Assert.True(await store.DeleteDocumentAsync("a"));
        Assert.False(await store.DeleteDocumentAsync("a"));
        Assert.Equal(1, await store.CountAsync());
    }

    [Fact]
    public async Task The_model_recorded_in_the_collections_table_guards_every_client()
    {
        await using (var first = NewStore("guarded"))
        {
            await first.EnsureModelAsync(Model);
        }

        await using var second = NewStore("guarded");
        Assert.Equal(Model, await second.GetModelAsync());
        var error = await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => second.EnsureModelAsync(new EmbeddingModelIdentity("other", 32)));
        Assert.Equal(Model, error.Expected);
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => second.SearchAsync(Enumerable.Repeat(1f, 16).ToArray(), new VectorSearchOptions()));
        Assert.Throws<ArgumentException>(() => NewStore("Bad-Name; DROP TABLE x"));
    }

    [Fact]
    public async Task The_indexing_pipeline_runs_on_postgres()
    {
        await using var store = NewStore("pipeline");
        var index = new RagIndex(new HashingEmbeddingGenerator("hashing-test", 64), store, new WordTokenCounter(), new RagIndexOptions { Chunking = new ChunkingOptions { ChunkSize = 8, ChunkOverlap = 0 } });

        await index.IndexDocumentAsync("ports", "Ollama listens on port 11434.\n\nPostgreSQL listens on port 5432.");
        var again = await index.IndexDocumentAsync("ports", "Ollama listens on port 11434.\n\nPostgreSQL listens on port 5432.");
        var hits = await index.SearchAsync("Which port does PostgreSQL use?", new RagSearchOptions { Mode = RagSearchMode.Hybrid, Top = 1 });

        Assert.Equal(2, again.ChunksReused);
        Assert.Contains("5432", hits[0].Record.Text, StringComparison.Ordinal);
    }
}
