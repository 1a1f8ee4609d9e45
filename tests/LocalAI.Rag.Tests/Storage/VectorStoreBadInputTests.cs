using LocalAI.Testing.Rag;

namespace LocalAI.Rag.Tests;

/// <summary>The same bad input gets the same clear exception from both stores, before anything is stored.</summary>
[Collection(PgliteCollection.Name)]
public sealed class VectorStoreBadInputTests(PgliteServer server) : IDisposable
{
    private static readonly EmbeddingModelIdentity Model = new("random", 8);
    private readonly TempDirectory _dir = new();

    public static TheoryData<string> Stores => new() { "file", "postgres" };

    public void Dispose() => _dir.Dispose();

    private async Task<IVectorStore> OpenAsync(string kind, string name)
    {
        IVectorStore store = kind == "file"
            ? await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = _dir.File(name + ".ragstore"), FlushToDisk = false })
            : new PostgresVectorStore(server.DataSource, new PostgresVectorStoreOptions { CollectionName = "bad_" + name });
        await store.EnsureModelAsync(Model);
        return store;
    }

    private static float[] Vector(int seed) => RandomVectors.Create(1, Model.Dimensions, seed)[0];

    private static DocumentRecords Document(string id, string text = "some text", float[]? vector = null, IReadOnlyDictionary<string, string>? metadata = null) =>
        new(id, [new VectorRecord(id + ":0", id, 0, text, "h", vector ?? Vector(1)) { Metadata = metadata ?? new Dictionary<string, string>() }]);

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Document_ids_that_are_not_valid_utf16_are_refused_and_valid_ones_stored_exactly(string kind)
    {
        await using var store = await OpenAsync(kind, "ids");

        // Two ids that differ only in a lone surrogate would both become "doc-\uFFFD" if stored.
        foreach (var id in new[] { "doc-\uD800", "doc-\uDC00", "\uD83D" })
        {
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => store.ReplaceDocumentsAsync([Document(id)]));
            Assert.Contains("lone surrogate", refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<ArgumentException>(() => store.GetDocumentAsync(id));
            await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteDocumentAsync(id));
        }

        const string Emoji = "doc-\U0001F600-é";
        await store.ReplaceDocumentsAsync([Document(Emoji)]);
        Assert.Equal(Emoji, Assert.Single(await store.GetDocumentAsync(Emoji)).DocumentId);
        Assert.True(await store.DeleteDocumentAsync(Emoji));
        Assert.Equal(0, await store.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Nan_infinite_and_zero_vectors_are_refused_at_upsert_and_at_query(string kind)
    {
        await using var store = await OpenAsync(kind, "vectors");
        await store.ReplaceDocumentsAsync([Document("ok")]);
        var nan = Vector(2);
        nan[3] = float.NaN;
        var infinite = Vector(3);
        infinite[0] = float.PositiveInfinity;
        var zero = new float[Model.Dimensions];

        foreach (var bad in new[] { nan, infinite, zero })
        {
            var atUpsert = await Assert.ThrowsAsync<ArgumentException>(() => store.ReplaceDocumentsAsync([Document("bad", vector: bad)]));
            Assert.Contains("Chunk 'bad:0' of document 'bad'", atUpsert.Message, StringComparison.Ordinal);
            var atQuery = await Assert.ThrowsAsync<ArgumentException>(() => store.SearchAsync(bad, new VectorSearchOptions()));
            Assert.StartsWith("The query vector", atQuery.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<ArgumentException>(() => store.HybridSearchAsync(bad, "text", new VectorSearchOptions(), new VectorSearchOptions()));
        }

        Assert.Equal(1, await store.CountAsync());
        var hit = Assert.Single(await store.SearchAsync(Vector(1), new VectorSearchOptions { Top = 5 }));
        Assert.True(double.IsFinite(hit.Score));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_nul_character_in_text_metadata_filter_or_query_is_a_clear_argument_error(string kind)
    {
        await using var store = await OpenAsync(kind, "nul");
        await store.ReplaceDocumentsAsync([Document("ok", metadata: new Dictionary<string, string> { ["lang"] = "en" })]);

        var inText = await Assert.ThrowsAsync<ArgumentException>(() => store.ReplaceDocumentsAsync([Document("a", text: "before\0after")]));
        Assert.Contains("NUL character", inText.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReplaceDocumentsAsync([Document("b", metadata: new Dictionary<string, string> { ["lang"] = "e\0n" })]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReplaceDocumentsAsync([Document("c\0d")]));
        var inFilter = await Assert.ThrowsAsync<ArgumentException>(() => store.SearchAsync(Vector(1), new VectorSearchOptions { Filter = MetadataFilter.Where("lang", "e\0n") }));
        Assert.Contains("filter value of 'lang'", inFilter.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.KeywordSearchAsync("some\0text", new VectorSearchOptions()));

        Assert.Equal(1, await store.CountAsync());
        Assert.Single(await store.KeywordSearchAsync("some text", new VectorSearchOptions { Filter = MetadataFilter.Where("lang", "en") }));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Top_beyond_the_bound_is_refused_with_its_value(string kind)
    {
        await using var store = await OpenAsync(kind, "top");

        foreach (var top in new[] { 0, -1, VectorSearchOptions.MaxTop + 1, int.MaxValue })
        {
            var refused = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.SearchAsync(Vector(1), new VectorSearchOptions { Top = top }));
            Assert.Contains($"options.Top is {top}; it must be between 1 and {VectorSearchOptions.MaxTop}", refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.KeywordSearchAsync("text", new VectorSearchOptions { Top = top }));
        }

        Assert.Empty(await store.SearchAsync(Vector(1), new VectorSearchOptions { Top = VectorSearchOptions.MaxTop }));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_hybrid_search_with_top_int_max_is_refused_before_the_candidate_count_overflows(string kind)
    {
        await using var store = await OpenAsync(kind, "overflow");
        var index = new RagIndex(new HashingEmbeddingGenerator("random", Model.Dimensions), store, new WordTokenCounter());

        var refused = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.SearchAsync("query", new RagSearchOptions { Mode = RagSearchMode.Hybrid, Top = int.MaxValue }));

        Assert.Contains($"options.Top is {int.MaxValue}", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await index.SearchAsync("query", new RagSearchOptions { Mode = RagSearchMode.Hybrid, Top = VectorSearchOptions.MaxTop }));
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_a_store_exception_not_a_provider_exception()
    {
        await using var store = PostgresVectorStore.Create("Host=127.0.0.1;Port=1;Timeout=2;Pooling=false", new PostgresVectorStoreOptions { CollectionName = "unreachable" });

        var failed = await Assert.ThrowsAsync<VectorStoreException>(() => store.GetModelAsync());

        Assert.Contains("PostgreSQL collection 'unreachable' could not read its embedding model", failed.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<Npgsql.NpgsqlException>(failed.InnerException);
        await Assert.ThrowsAsync<VectorStoreException>(() => store.EnsureModelAsync(Model));
    }

    [Fact]
    public async Task An_error_the_server_answers_keeps_its_sqlstate_and_words()
    {
        await using var store = new PostgresVectorStore(server.DataSource, new PostgresVectorStoreOptions { CollectionName = "dropped" });
        await store.EnsureModelAsync(Model);
        await using (var drop = server.DataSource.CreateCommand($"DROP TABLE {store.TableName}"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        var failed = await Assert.ThrowsAsync<VectorStoreException>(() => store.CountAsync());

        Assert.Equal("42P01", failed.SqlState);
        Assert.Contains("could not count its chunks: the server answered 42P01", failed.Message, StringComparison.Ordinal);
    }
}
