using LocalAI.Testing.Rag;

namespace LocalAI.Rag.Tests;

[Collection(PgliteCollection.Name)]
public sealed class HybridSnapshotTests(PgliteServer server) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static TheoryData<string> Stores => new() { "file", "postgres" };

    public void Dispose() => _dir.Dispose();

    private static string Version(int version) =>
        string.Join("\n\n", Enumerable.Range(0, 4).Select(p => $"Alpha release notes, version {version}, part {p}: the alpha engine now starts faster."));

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_reindex_between_the_two_rankings_never_mixes_two_versions_of_a_document(string kind)
    {
        IVectorStore inner = kind == "file"
            ? await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = _dir.File("snap.ragstore"), FlushToDisk = false })
            : new PostgresVectorStore(server.DataSource, new PostgresVectorStoreOptions { CollectionName = "hybrid_snapshot" });
        await using var innerScope = inner;
        var generator = new HashingEmbeddingGenerator("hashing-test", 64);
        var options = new RagIndexOptions { Chunking = new ChunkingOptions { ChunkSize = 16, ChunkOverlap = 0 } };
        var writer = new RagIndex(generator, inner, new WordTokenCounter(), options);
        await writer.IndexDocumentAsync("notes", Version(1));
        await writer.IndexDocumentAsync("other", "Cooking beans overnight makes them tender.");

        // A concurrent writer re-indexes the document right after the store answers a search.
        var store = new HookedVectorStore(inner);
        var next = 2;
        store.AfterSearch = () => writer.IndexDocumentAsync("notes", Version(next++));
        var index = new RagIndex(generator, store, new WordTokenCounter(), options);

        for (var round = 0; round < 3; round++)
        {
            var hits = await index.SearchAsync("alpha engine release notes", new RagSearchOptions { Mode = RagSearchMode.Hybrid, Top = 8 });

            var versions = hits.Where(h => h.Record.DocumentId == "notes").Select(h => h.Record.Text[..h.Record.Text.IndexOf(',', 20)]).Distinct().ToList();
            Assert.True(versions.Count == 1, "one result held chunks of " + string.Join(" and ", versions));
        }
    }
}
