namespace LocalAI.Rag.Tests;

public sealed class StoreWriterLockTests : IDisposable
{
    private static readonly EmbeddingModelIdentity Model = new("random", 8);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_second_writer_in_this_process_is_refused_naming_the_store_and_the_holder_and_readers_still_open()
    {
        var path = _dir.File("one.ragstore");
        await using (var writer = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path, FlushToDisk = false }))
        {
            await writer.EnsureModelAsync(Model);
            await writer.ReplaceDocumentsAsync(RandomVectors.AsDocuments(RandomVectors.Create(4, Model.Dimensions, seed: 1), 2));

            var refused = await Assert.ThrowsAsync<VectorStoreLockedException>(() => FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path }));
            Assert.Equal((Path.GetFullPath(path), Environment.ProcessId), (refused.FilePath, refused.HolderProcessId));
            Assert.Contains(path, refused.Message, StringComparison.Ordinal);
            Assert.Contains($"process {Environment.ProcessId}", refused.Message, StringComparison.Ordinal);

            await using var reader = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path, ReadOnly = true });
            Assert.Equal(4, await reader.CountAsync());
            await Assert.ThrowsAsync<InvalidOperationException>(() => reader.DeleteDocumentAsync("doc-0"));
            await Assert.ThrowsAsync<VectorStoreLockedException>(() => FileVectorStore.RepairAsync(new FileVectorStoreOptions { Path = path }));
        }

        // Released on dispose.
        await using var next = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path });
        Assert.Equal(4, await next.CountAsync());
    }

    [Fact]
    public async Task A_writer_in_another_process_holds_the_lock_until_it_is_killed()
    {
        var path = _dir.File("shared.ragstore");
        await using (var child = IndexWriterProcess.Start(path, documents: 3, paragraphs: 4))
        {
            await child.WaitForCommitAsync();

            var refused = await Assert.ThrowsAsync<VectorStoreLockedException>(() => FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path }));
            Assert.Equal(child.Id, refused.HolderProcessId);
            Assert.Contains($"process {child.Id}", refused.Message, StringComparison.Ordinal);

            await using var reader = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path, ReadOnly = true });
            Assert.True(await reader.CountAsync() >= 3 * 4);
        }

        // SIGKILL: the OS released the lock with the process.
        await using var store = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path });
        Assert.Equal(3 * 4, await store.CountAsync());
    }

    [Fact]
    public async Task A_read_only_open_of_a_missing_store_creates_nothing()
    {
        var path = _dir.File("missing.ragstore");

        await Assert.ThrowsAsync<FileNotFoundException>(() => FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path, ReadOnly = true }));

        Assert.False(File.Exists(path));
    }
}
