namespace LocalAI.Rag.Tests;

public sealed class StoreCorruptionTests : IDisposable
{
    private const int Documents = 2000;
    private const int PerRecord = 10;
    private static readonly EmbeddingModelIdentity Model = new("random", 16);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A 2,000-document store written ten documents per record; the end offset of the model record and of each record after it.</summary>
    private async Task<(string Path, List<long> Ends, List<DocumentRecords> Documents)> WriteStoreAsync()
    {
        var path = _dir.File("big.ragstore");
        var documents = RandomVectors.AsDocuments(RandomVectors.Create(Documents, Model.Dimensions, seed: 21), 1);
        var ends = new List<long>();
        await using (var store = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path, FlushToDisk = false }))
        {
            await store.EnsureModelAsync(Model);
            ends.Add(new FileInfo(path).Length);
            foreach (var batch in documents.Chunk(PerRecord))
            {
                await store.ReplaceDocumentsAsync(batch);
                ends.Add(new FileInfo(path).Length);
            }
        }

        return (path, ends, documents);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.10)]
    [InlineData(0.50)]
    [InlineData(0.90)]
    [InlineData(-1.0)] // inside the model record
    public async Task A_flipped_byte_is_detected_nothing_is_truncated_and_repair_keeps_every_intact_document(double where)
    {
        var (path, ends, documents) = await WriteStoreAsync();
        var pristine = await File.ReadAllBytesAsync(path);
        var offset = where < 0 ? ends[0] - 3 : (long)(pristine.Length * where);
        var damaged = (byte[])pristine.Clone();
        damaged[offset] ^= 0x20;
        await File.WriteAllBytesAsync(path, damaged);

        // The record holding the flipped byte: the model record (0) or batch i of ten documents (i >= 1).
        var record = ends.FindIndex(e => e > offset);
        var lost = record == 0 ? [] : documents.Skip((record - 1) * PerRecord).Take(PerRecord).Select(d => d.DocumentId).ToHashSet();

        // Opening for writing is refused with the offset and the valid records after it; the file is not touched.
        var refused = await Assert.ThrowsAsync<InvalidVectorStoreFileException>(() => FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path }));
        Assert.Equal(record == 0 ? StoreFileFormat.HeaderLength : ends[record - 1], refused.Offset);
        Assert.Equal(ends.Count - 1 - record, refused.ValidRecordsAfter);
        Assert.Contains($"offset {refused.Offset}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(damaged, await File.ReadAllBytesAsync(path));

        // A read-only open serves every intact document.
        await using (var reader = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path, ReadOnly = true }))
        {
            Assert.Equal(Documents - lost.Count, await reader.CountAsync());
        }

        Assert.Equal(damaged, await File.ReadAllBytesAsync(path));

        if (record == 0)
        {
            // Without its model record the store cannot say which model its vectors are of: the repair asks for it.
            var noModel = await Assert.ThrowsAsync<InvalidVectorStoreFileException>(() => FileVectorStore.RepairAsync(new FileVectorStoreOptions { Path = path }));
            Assert.Contains("model record is damaged", noModel.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => FileVectorStore.RepairAsync(new FileVectorStoreOptions { Path = path }, Model with { Dimensions = 8 }));
        }

        var result = await FileVectorStore.RepairAsync(new FileVectorStoreOptions { Path = path }, record == 0 ? Model : null);

        Assert.True(result.Repaired);
        var damage = Assert.Single(result.Damage);
        Assert.Equal(refused.Offset, damage.Offset);
        // The ids are read from the damaged bytes: every one is named, except one whose own bytes the flip hit (named as read).
        Assert.Equal(lost.Count, result.DroppedDocumentIds.Count);
        Assert.InRange(lost.Except(result.DroppedDocumentIds).Count(), 0, 1);
        Assert.Equal((record == 0, Documents - lost.Count), (result.ModelRestored, result.DocumentsKept));
        Assert.Equal(damaged, await File.ReadAllBytesAsync(result.BackupPath!));

        await using var repaired = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path });
        Assert.Equal(Model, await repaired.GetModelAsync());
        Assert.Equal(Documents - lost.Count, await repaired.CountAsync());
        foreach (var document in documents)
        {
            var chunks = await repaired.GetDocumentAsync(document.DocumentId);
            if (lost.Contains(document.DocumentId))
            {
                Assert.Empty(chunks);
                continue;
            }

            var chunk = Assert.Single(chunks);
            var original = document.Records[0];
            Assert.Equal((original.Id, original.Text), (chunk.Id, chunk.Text));
            var norm = MathF.Sqrt(original.Vector.Span.ToArray().Sum(x => x * x));
            Assert.Equal(original.Vector.ToArray().Select(x => x / norm), chunk.Vector.ToArray(), (a, b) => MathF.Abs(a - b) < 1e-6f);
        }

        // The repaired store takes writes again, and a second repair finds nothing to do.
        await repaired.DeleteDocumentAsync(documents[^1].DocumentId);
        await repaired.DisposeAsync();
        var again = await FileVectorStore.RepairAsync(new FileVectorStoreOptions { Path = path });
        Assert.False(again.Repaired);
        Assert.Empty(again.Damage);
    }

    [Fact]
    public async Task A_torn_tail_is_still_dropped_on_open_without_repair()
    {
        var (path, ends, _) = await WriteStoreAsync();
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(int)(ends[^2] + 17)]);

        await using var store = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path });

        Assert.Equal(Documents - PerRecord, await store.CountAsync());
        Assert.Equal(ends[^2], new FileInfo(path).Length);
    }

    [Theory]
    [InlineData("notes\n")] // 7 bytes of text
    [InlineData("LRAGLOGX and more text than a header")]
    [InlineData("{\"settings\": true, \"more\": \"than eight bytes\"}")]
    public async Task A_file_that_is_not_a_store_is_refused_and_left_alone(string content)
    {
        var path = _dir.File("notes.txt");
        await File.WriteAllTextAsync(path, content);

        var refused = await Assert.ThrowsAsync<InvalidVectorStoreFileException>(() => FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path }));

        Assert.Contains("is not a LocalAI.Rag store", refused.Message, StringComparison.Ordinal);
        Assert.Equal(path, refused.FilePath);
        Assert.Equal(content, await File.ReadAllTextAsync(path));
        await Assert.ThrowsAsync<InvalidVectorStoreFileException>(() => FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path, ReadOnly = true }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)] // a new store whose header write was torn
    public async Task An_empty_file_or_a_torn_header_is_a_new_store(int headerBytes)
    {
        var path = _dir.File("new.ragstore");
        await File.WriteAllBytesAsync(path, StoreFileFormat.Magic[..headerBytes].ToArray());

        await using var store = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path });

        Assert.Equal(0, await store.CountAsync());
        Assert.Equal(StoreFileFormat.Magic.ToArray(), await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public void Flushing_a_directory_reaches_the_os_and_reports_failure()
    {
        DirectorySync.Flush(_dir.Path);

        if (OperatingSystem.IsLinux())
        {
            Assert.Throws<IOException>(() => DirectorySync.Flush(_dir.File("missing")));
        }
    }
}
