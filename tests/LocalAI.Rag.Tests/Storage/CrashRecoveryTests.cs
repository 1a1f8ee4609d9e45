using System.Globalization;

namespace LocalAI.Rag.Tests;

public sealed class CrashRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public async Task A_process_killed_while_indexing_leaves_a_store_with_the_last_complete_state(int killAfterGeneration)
    {
        const int Documents = 6;
        const int Paragraphs = 30;
        var path = _dir.File("crash.ragstore");
        var writer = IndexWriterProcess.Start(path, Documents, Paragraphs, killAfter: killAfterGeneration);
        await using (writer)
        {
            // Killed right away, while the next generation is being written.
            await writer.WaitForCommitAsync();
        }

        // Read once the child is gone and its output drained: it may have committed more before the kill landed.
        var lastComplete = writer.Committed;

        await using var store = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path });
        Assert.True(lastComplete >= killAfterGeneration);
        for (var d = 0; d < Documents; d++)
        {
            var chunks = await store.GetDocumentAsync($"doc-{d}");
            Assert.Equal(Paragraphs, chunks.Count);
            var generations = chunks.Select(c => int.Parse(c.Metadata["generation"], CultureInfo.InvariantCulture)).Distinct().ToList();
            var generation = Assert.Single(generations);
            Assert.InRange(generation, lastComplete, lastComplete + 1);
            Assert.All(chunks, c => Assert.StartsWith($"Generation {generation} document {d} ", c.Text, StringComparison.Ordinal));
        }

        // The store opens for writing again after the crash.
        await store.ReplaceDocumentsAsync([new DocumentRecords("doc-0", [])]);
        Assert.Equal((Documents - 1) * Paragraphs, await store.CountAsync());
    }
}
