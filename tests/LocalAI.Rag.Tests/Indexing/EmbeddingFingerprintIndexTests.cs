namespace LocalAI.Rag.Tests;

/// <summary>The index records the fingerprint of the generator that built it; vectors, not names, decide who may add to it or query it.</summary>
public sealed class EmbeddingFingerprintIndexTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private FileVectorStore NewStore() => new(new FileVectorStoreOptions { Path = _dir.File("index.ragstore"), FlushToDisk = false });

    private static RagIndex NewIndex(HashingEmbeddingGenerator generator, IVectorStore store) =>
        new(generator, store, new WordTokenCounter(), new RagIndexOptions { Chunking = new ChunkingOptions { ChunkSize = 14, ChunkOverlap = 0 } });

    private static string Paragraphs(int count) =>
        string.Join("\n\n", Enumerable.Range(0, count).Select(p => $"Paragraph {p} talks about topic{p} with several plain words in it."));

    [Fact]
    public async Task The_store_records_the_fingerprint_of_the_generator_that_built_it_and_keeps_it_across_opens()
    {
        var generator = new HashingEmbeddingGenerator("model-a", 64);
        await using (var store = NewStore())
        {
            await NewIndex(generator, store).IndexDocumentAsync("doc", Paragraphs(3));
        }

        await using var reopened = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = _dir.File("index.ragstore") });
        var recorded = await reopened.GetModelAsync();

        var expected = await EmbeddingFingerprint.ComputeAsync(generator);
        Assert.NotNull(recorded?.Fingerprint);
        Assert.Equal(1.0, recorded.Fingerprint.LowestCosine(expected), 6);
        Assert.Equal(EmbeddingFingerprint.ProbeTexts.Count, recorded.Fingerprint.Vectors.Count);
    }

    [Fact]
    public async Task A_generator_with_the_same_vectors_under_another_name_indexes_and_searches()
    {
        await using var store = NewStore();
        await NewIndex(new HashingEmbeddingGenerator("all-MiniLM-L6-v2", 64), store).IndexDocumentAsync("doc", Paragraphs(3));
        var renamed = NewIndex(new HashingEmbeddingGenerator("all-minilm", 64), store);

        await renamed.IndexDocumentAsync("doc2", Paragraphs(2));
        var hits = await renamed.SearchAsync("topic1", new RagSearchOptions { Top = 1 });

        Assert.Equal(5, await store.CountAsync());
        Assert.Single(hits);
    }

    [Fact]
    public async Task A_generator_of_the_same_name_whose_vectors_drift_is_refused_before_any_search_with_the_drift_named()
    {
        await using var store = NewStore();
        await NewIndex(new HashingEmbeddingGenerator("all-MiniLM-L6-v2", 64), store).IndexDocumentAsync("doc", Paragraphs(3));
        var drifted = new HashingEmbeddingGenerator("all-MiniLM-L6-v2", 64) { Seed = 99 };

        var search = await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => NewIndex(drifted, store).SearchAsync("topic1"));
        var index = await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => NewIndex(drifted, store).IndexDocumentAsync("doc2", Paragraphs(2)));

        Assert.Contains("lowest probe cosine", search.Message, StringComparison.Ordinal);
        Assert.InRange(search.LowestProbeCosine!.Value, -1, EmbeddingFingerprint.MinimumCosine);
        Assert.Contains("drift", index.Message, StringComparison.Ordinal);
        Assert.Equal(2 * EmbeddingFingerprint.ProbeTexts.Count, drifted.Inputs); // the probes only: no query or document was embedded
        Assert.Equal(3, await store.CountAsync());
    }

    [Fact]
    public async Task An_index_built_before_fingerprints_existed_opens_and_names_decide()
    {
        // A store whose model record has no fingerprint, as every store written before fingerprints existed.
        await using (var old = NewStore())
        {
            await old.EnsureModelAsync(new EmbeddingModelIdentity("hashing-test", 64));
            await old.ReplaceDocumentsAsync([new DocumentRecords("doc", [new VectorRecord("doc#0", "doc", 0, "topic1 words", "topic1 words", HashingEmbeddingGenerator.Embed("topic1 words", 64))])]);
        }

        await using var store = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = _dir.File("index.ragstore") });
        var sameName = NewIndex(new HashingEmbeddingGenerator("hashing-test", 64), store);
        var otherName = NewIndex(new HashingEmbeddingGenerator("all-minilm", 64), store);

        var hits = await sameName.SearchAsync("topic1", new RagSearchOptions { Top = 1 });
        await sameName.IndexDocumentAsync("doc2", Paragraphs(1));
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => otherName.SearchAsync("topic1"));

        Assert.Equal("doc", Assert.Single(hits).Record.DocumentId);
        Assert.Null((await store.GetModelAsync())!.Fingerprint);
        Assert.Equal(2, await store.CountAsync());
    }
}
