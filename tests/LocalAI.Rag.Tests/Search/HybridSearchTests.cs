namespace LocalAI.Rag.Tests;

public sealed class HybridSearchTests : IDisposable
{
    // A small hand-written corpus; each query below has one known best answer.
    private static readonly (string Id, string Text, string Lang)[] Corpus =
    [
        ("pgvector", "pgvector adds vector similarity search to PostgreSQL with HNSW and IVFFlat indexes.", "en"),
        ("bm25", "BM25 ranks documents by term frequency and inverse document frequency with length normalisation.", "en"),
        ("rrf", "Reciprocal rank fusion merges several rankings by summing one over k plus rank.", "en"),
        ("onnx", "ONNX Runtime runs sentence embedding models such as MiniLM on the CPU.", "en"),
        ("ollama", "Ollama serves local language models over HTTP on port 11434.", "en"),
        ("cooking", "Slow cooking beans overnight makes them tender and easy to digest.", "en"),
        ("pgvector-fr", "pgvector ajoute la recherche de similarité vectorielle à PostgreSQL.", "fr"),
    ];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<RagIndex> IndexCorpusAsync()
    {
        var store = new FileVectorStore(new FileVectorStoreOptions { Path = _dir.File("corpus.ragstore"), FlushToDisk = false });
        var index = new RagIndex(new HashingEmbeddingGenerator("hashing-test", 256), store, new WordTokenCounter());
        await index.IndexDocumentsAsync(Corpus.Select(c => new RagDocument(c.Id, c.Text) { Metadata = new Dictionary<string, string> { ["lang"] = c.Lang } }));
        return index;
    }

    [Theory]
    [InlineData("Which PostgreSQL extension gives HNSW vector indexes?", "pgvector")]
    [InlineData("term frequency and inverse document frequency ranking", "bm25")]
    [InlineData("how do I merge rankings with reciprocal rank fusion", "rrf")]
    [InlineData("run MiniLM embeddings on the CPU", "onnx")]
    public async Task Keyword_and_hybrid_search_find_the_known_answer_first(string query, string expected)
    {
        var index = await IndexCorpusAsync();

        var keyword = await index.SearchAsync(query, new RagSearchOptions { Mode = RagSearchMode.Keyword, Top = 3 });
        var hybrid = await index.SearchAsync(query, new RagSearchOptions { Mode = RagSearchMode.Hybrid, Top = 3 });

        Assert.Equal(expected, keyword[0].Record.DocumentId);
        Assert.Equal(expected, hybrid[0].Record.DocumentId);
        Assert.True(keyword.Zip(keyword.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public async Task Filters_apply_to_keyword_and_hybrid_rankings()
    {
        var index = await IndexCorpusAsync();
        var filter = MetadataFilter.Where("lang", "fr");

        var keyword = await index.SearchAsync("pgvector PostgreSQL", new RagSearchOptions { Mode = RagSearchMode.Keyword, Filter = filter });
        var hybrid = await index.SearchAsync("pgvector PostgreSQL", new RagSearchOptions { Mode = RagSearchMode.Hybrid, Filter = filter });

        Assert.Equal("pgvector-fr", Assert.Single(keyword).Record.DocumentId);
        Assert.Equal("pgvector-fr", Assert.Single(hybrid).Record.DocumentId);
    }

    [Fact]
    public void Reciprocal_rank_fusion_rewards_agreement_between_rankings()
    {
        var fused = ReciprocalRankFusion.Fuse([Hit("a"), Hit("b"), Hit("c")], [Hit("b"), Hit("d"), Hit("a")], HybridFusion.ReciprocalRank, 0.5, k: 60, top: 3);

        Assert.Equal(["b", "a", "d"], fused.Select(h => h.Record.Id));
        Assert.Equal((0.5 / 62) + (0.5 / 61), fused[0].Score, 10);
    }

    [Fact]
    public void Weighted_fusion_lets_the_vector_ranking_keep_its_first_place_against_bm25()
    {
        // The vector search's first hit is last in BM25; BM25's first hit is second for vectors.
        VectorSearchHit[] vector = [Hit("right", 0.80), Hit("wrong", 0.70), Hit("other", 0.20)];
        VectorSearchHit[] keyword = [Hit("wrong", 9.0), Hit("other", 8.0), Hit("right", 1.0)];

        var equal = ReciprocalRankFusion.Fuse(vector, keyword, HybridFusion.ReciprocalRank, 0.5, 60, 3);
        var weighted = ReciprocalRankFusion.Fuse(vector, keyword, HybridFusion.ReciprocalRank, 0.8, 60, 3);
        var normalised = ReciprocalRankFusion.Fuse(vector, keyword, HybridFusion.NormalizedScore, 0.9, 60, 3);

        Assert.Equal("wrong", equal[0].Record.Id);
        Assert.Equal("right", weighted[0].Record.Id);
        Assert.Equal(["right", "wrong", "other"], normalised.Select(h => h.Record.Id));
        Assert.Equal(0.9, normalised[0].Score, 10); // 0.9 * 1 (best vector) + 0.1 * 0 (worst BM25)
    }

    [Fact]
    public void A_vector_weight_of_one_or_zero_gives_one_ranking_alone()
    {
        VectorSearchHit[] vector = [Hit("a", 0.9), Hit("b", 0.5)];
        VectorSearchHit[] keyword = [Hit("b", 3.0), Hit("c", 1.0)];

        Assert.Equal(["a", "b"], ReciprocalRankFusion.Fuse(vector, keyword, HybridFusion.NormalizedScore, 1.0, 60, 2).Select(h => h.Record.Id));
        Assert.Equal(["b", "c"], ReciprocalRankFusion.Fuse(vector, keyword, HybridFusion.NormalizedScore, 0.0, 60, 2).Select(h => h.Record.Id));
    }

    private static VectorSearchHit Hit(string id, double score = 0) => new(new VectorRecord(id, id, 0, id, id, ReadOnlyMemory<float>.Empty), score);

    [Fact]
    public void Bm25_prefers_rarer_terms_and_shorter_documents()
    {
        var index = new Bm25Index(["the cat sat", "the cat sat on the mat with another cat and a dog and a bird", "dogs bark"]);

        var cat = index.Search("cat", null, 3);
        var dog = index.Search("dog", null, 3);

        Assert.Equal([0, 1], cat.Select(h => h.Row));
        Assert.Equal([1, 2], dog.Select(h => h.Row).Order()); // "dogs" is stemmed to "dog"
        Assert.Empty(index.Search("the a", null, 3)); // stop words only
    }
}
