using LocalAI.Testing;

namespace LocalAI.Rag.Tests;

public sealed class RagIndexTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private FileVectorStore NewStore(string name = "index.ragstore") => new(new FileVectorStoreOptions { Path = _dir.File(name), FlushToDisk = false });

    private static RagIndex NewIndex(HashingEmbeddingGenerator generator, IVectorStore store, int chunkSize = 14, int batch = 4, int? maxInput = null) =>
        new(generator, store, new WordTokenCounter(), new RagIndexOptions
        {
            Chunking = new ChunkingOptions { ChunkSize = chunkSize, ChunkOverlap = 0 },
            EmbeddingBatchSize = batch,
            MaxConcurrency = 2,
            MaxInputTokens = maxInput,
        });

    private static string Paragraphs(int count, string tag = "") =>
        string.Join("\n\n", Enumerable.Range(0, count).Select(p => $"Paragraph {p}{tag} talks about topic{p} with several plain words in it."));

    [Fact]
    public async Task Re_indexing_embeds_only_new_or_changed_chunks()
    {
        var generator = new HashingEmbeddingGenerator();
        await using var store = NewStore();
        var index = NewIndex(generator, store);

        var first = await index.IndexDocumentAsync("doc", Paragraphs(10));
        var unchanged = await index.IndexDocumentAsync("doc", Paragraphs(10));
        var edited = Paragraphs(10).Replace("Paragraph 4 talks", "Paragraph 4 now talks", StringComparison.Ordinal);
        var changed = await index.IndexDocumentAsync("doc", edited);

        Assert.Equal((10, 10, 0), (first.Chunks, first.ChunksEmbedded, first.ChunksReused));
        Assert.Equal((10, 0, 10), (unchanged.Chunks, unchanged.ChunksEmbedded, unchanged.ChunksReused));
        Assert.Equal((10, 1, 9), (changed.Chunks, changed.ChunksEmbedded, changed.ChunksReused));
        Assert.Equal(11 + EmbeddingFingerprint.ProbeTexts.Count, generator.Inputs);
        var stored = await store.GetDocumentAsync("doc");
        Assert.Contains(stored, r => r.Text.Contains("now talks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Many_documents_are_embedded_in_batches_and_progress_is_reported()
    {
        var generator = new HashingEmbeddingGenerator();
        await using var store = NewStore();
        var index = NewIndex(generator, store, batch: 8);
        var documents = Enumerable.Range(0, 40).Select(d => new RagDocument($"d{d}", Paragraphs(5, $"-{d}"))).ToList();
        var reports = new List<IndexingProgress>();

        var result = await index.IndexDocumentsAsync(documents, new SynchronousProgress<IndexingProgress>(reports.Add));

        Assert.Equal(40, result.Documents);
        Assert.Equal(200, result.Chunks);
        Assert.Equal(200, await store.CountAsync());
        Assert.Equal(25 + 1, generator.Calls); // 200 chunks in batches of 8, and the fingerprint's probes once
        Assert.NotEmpty(reports);
        Assert.Equal(reports.OrderBy(r => r.ChunksIndexed).Select(r => r.ChunksIndexed), reports.Select(r => r.ChunksIndexed));
        var last = reports[^1];
        Assert.Equal((40, 40, 200L, 200L, result.Tokens), (last.DocumentsTotal, last.DocumentsIndexed, last.ChunksIndexed, last.ChunksEmbedded, last.Tokens));
        Assert.True(result.Tokens > 200);
    }

    [Fact]
    public async Task A_chunk_size_over_the_models_maximum_input_fails_at_start()
    {
        await using var store = NewStore();
        var declared = new HashingEmbeddingGenerator { ModelInfo = new LocalModelInfo("hashing-test", "test") { ContextLength = 16 } };

        var fromModel = Assert.Throws<ArgumentException>(() => NewIndex(declared, store, chunkSize: 24));
        Assert.Contains("maximum input of 16 tokens", fromModel.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => NewIndex(new HashingEmbeddingGenerator(), store, chunkSize: 24, maxInput: 20));
        Assert.Equal(16, NewIndex(declared, store, chunkSize: 16).MaxInputTokens);
        Assert.Equal(0, declared.Calls);
    }

    [Fact]
    public async Task Indexing_or_searching_with_another_embedding_model_throws()
    {
        await using var store = NewStore();
        await NewIndex(new HashingEmbeddingGenerator("model-a", 64), store).IndexDocumentAsync("doc", Paragraphs(3));
        var otherModel = new HashingEmbeddingGenerator("model-b", 64) { Seed = 7 };
        var otherDims = new HashingEmbeddingGenerator("model-a", 32);

        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => NewIndex(otherModel, store).IndexDocumentAsync("doc2", Paragraphs(3)));
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => NewIndex(otherModel, store).SearchAsync("topic1"));
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => NewIndex(otherDims, store).IndexDocumentAsync("doc2", Paragraphs(3)));
        Assert.Equal(2 * EmbeddingFingerprint.ProbeTexts.Count, otherModel.Inputs); // its fingerprint, measured once per index; no document text
        Assert.Equal(3, await store.CountAsync());
    }

    [Fact]
    public async Task A_generator_that_declares_its_dimensions_only_after_its_first_call_indexes_and_searches()
    {
        await using var store = NewStore();
        var lazy = new HashingEmbeddingGenerator { DeclaresDimensionsAfterFirstCall = true };
        var index = NewIndex(lazy, store);

        Assert.Equal(0, lazy.Calls);
        var result = await index.IndexDocumentAsync("doc", Paragraphs(3));
        var hits = await index.SearchAsync("topic1");

        Assert.Equal(3, result.ChunksEmbedded);
        Assert.Equal(new EmbeddingModelIdentity("hashing-test", 64), await store.GetModelAsync());
        Assert.NotEmpty(hits);
    }

    [Fact]
    public async Task Another_model_is_detected_with_generators_that_declare_their_dimensions_late()
    {
        await using var store = NewStore();
        await NewIndex(new HashingEmbeddingGenerator("model-a", 64), store).IndexDocumentAsync("doc", Paragraphs(3));
        var otherModel = new HashingEmbeddingGenerator("model-b", 64) { DeclaresDimensionsAfterFirstCall = true, Seed = 7 };
        var otherDims = new HashingEmbeddingGenerator("model-a", 32) { DeclaresDimensionsAfterFirstCall = true };

        // The store's fingerprint refuses another model before any document text is embedded; other dimensions show in the probes.
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => NewIndex(otherModel, store).IndexDocumentAsync("doc2", Paragraphs(3)));
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => NewIndex(otherModel, store).SearchAsync("topic1"));
        Assert.Equal(2 * EmbeddingFingerprint.ProbeTexts.Count, otherModel.Inputs);
        var index = NewIndex(otherDims, store);
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => index.IndexDocumentAsync("doc2", Paragraphs(3)));
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => index.SearchAsync("topic1"));
        Assert.Equal(3, await store.CountAsync());
        Assert.Empty(await store.GetDocumentAsync("doc2"));
    }

    [Fact]
    public async Task A_failing_embedder_leaves_the_document_as_it_was()
    {
        var generator = new HashingEmbeddingGenerator();
        await using var store = NewStore();
        var index = NewIndex(generator, store);
        await index.IndexDocumentAsync("doc", Paragraphs(6));
        generator.BeforeBatch = (texts, _) => texts.Any(t => t.Contains("CHANGED", StringComparison.Ordinal))
            ? throw new BackendUnavailableException("embedding backend went away")
            : Task.CompletedTask;

        await Assert.ThrowsAsync<BackendUnavailableException>(() => index.IndexDocumentAsync("doc", Paragraphs(6, " CHANGED")));

        var stored = await store.GetDocumentAsync("doc");
        Assert.Equal(6, stored.Count);
        Assert.DoesNotContain(stored, r => r.Text.Contains("CHANGED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_store_write_stops_the_run_with_its_error()
    {
        await using var inner = NewStore();
        var store = new HookedVectorStore(inner) { FailOnWrite = 3 };
        var index = new RagIndex(new HashingEmbeddingGenerator(), store, new WordTokenCounter(), new RagIndexOptions
        {
            Chunking = new ChunkingOptions { ChunkSize = 14, ChunkOverlap = 0 },
            EmbeddingBatchSize = 2,
            WriteBatchSize = 1, // a channel of two documents: the embedders would block on it if the writer died silently
        });

        var error = await Assert.ThrowsAsync<IOException>(() => index.IndexDocumentsAsync(Enumerable.Range(0, 60).Select(d => new RagDocument($"d{d}", Paragraphs(3, $"-{d}")))));

        Assert.Equal("disk full", error.Message);
        Assert.Equal(3, store.Writes);
        Assert.Equal(2 * 3, await inner.CountAsync()); // the two documents written before the fault
    }

    [Fact]
    public async Task A_folder_is_indexed_with_relative_ids_and_markdown_headings()
    {
        var folder = Path.Combine(_dir.Path, "docs");
        Directory.CreateDirectory(Path.Combine(folder, "guides"));
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "Plain notes about cosine similarity.");
        await File.WriteAllTextAsync(Path.Combine(folder, "guides", "install.md"), "# Install\n## Linux\nRun the installer on Linux.\n");
        await File.WriteAllBytesAsync(Path.Combine(folder, "image.png"), [1, 2, 3]);
        await using var store = NewStore();
        var index = NewIndex(new HashingEmbeddingGenerator(), store);

        var result = await index.IndexFolderAsync(folder);

        Assert.Equal(2, result.Documents);
        var guide = Assert.Single(await store.GetDocumentAsync("guides/install.md"));
        Assert.Equal("Install > Linux", guide.Context);
        Assert.Equal("guides/install.md", guide.Metadata["source"]);
        Assert.Single(await store.GetDocumentAsync("notes.txt"));
        Assert.True(await index.DeleteDocumentAsync("notes.txt"));
        Assert.Equal(1, await store.CountAsync());
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => index.IndexFolderAsync(Path.Combine(folder, "missing")));
    }
}
