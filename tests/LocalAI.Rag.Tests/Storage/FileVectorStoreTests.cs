using System.Globalization;

namespace LocalAI.Rag.Tests;

public sealed class FileVectorStoreTests : IDisposable
{
    private static readonly EmbeddingModelIdentity Model = new("random", 48);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<FileVectorStore> OpenAsync(bool int8 = false, long compaction = 4L << 20, string name = "store.ragstore")
    {
        var store = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = _dir.File(name), UseInt8 = int8, CompactionMinimumBytes = compaction, FlushToDisk = false });
        return store;
    }

    [Theory]
    [InlineData(3000)]
    [InlineData(45000)] // large enough for the scan to be split over cores
    public async Task Exact_search_matches_a_brute_force_reference(int count)
    {
        var vectors = RandomVectors.Create(count, Model.Dimensions, seed: count);
        await using var store = await OpenAsync();
        await store.EnsureModelAsync(Model);
        await store.ReplaceDocumentsAsync(RandomVectors.AsDocuments(vectors, 50));

        foreach (var query in RandomVectors.Create(5, Model.Dimensions, seed: 99))
        {
            var hits = await store.SearchAsync(query, new VectorSearchOptions { Top = 10 });
            var expected = RandomVectors.BruteForce(vectors, query, 10);
            Assert.Equal(expected.Select(e => e.Row), hits.Select(RandomVectors.Row));
            Assert.All(hits.Zip(expected), p => Assert.Equal(p.Second.Score, p.First.Score, 4));
        }
    }

    [Fact]
    public async Task Int8_search_keeps_recall_and_returns_exact_scores()
    {
        var vectors = RandomVectors.Create(5000, Model.Dimensions, seed: 5);
        await using var store = await OpenAsync(int8: true);
        await store.EnsureModelAsync(Model);
        await store.ReplaceDocumentsAsync(RandomVectors.AsDocuments(vectors, 100));

        double found = 0, total = 0;
        foreach (var query in RandomVectors.Create(20, Model.Dimensions, seed: 6))
        {
            var hits = await store.SearchAsync(query, new VectorSearchOptions { Top = 10 });
            var expected = RandomVectors.BruteForce(vectors, query, 10);
            found += hits.Select(RandomVectors.Row).Intersect(expected.Select(e => e.Row)).Count();
            total += 10;
            var exactScores = expected.ToDictionary(e => e.Row, e => e.Score);
            Assert.All(hits.Where(h => exactScores.ContainsKey(RandomVectors.Row(h))), h => Assert.Equal(exactScores[RandomVectors.Row(h)], h.Score, 4));
        }

        Assert.True(found / total >= 0.95, $"int8 recall@10 was {found / total:F3}");
    }

    [Fact]
    public async Task Filters_apply_before_ranking_so_top_k_is_full()
    {
        var vectors = RandomVectors.Create(4000, Model.Dimensions, seed: 8);
        bool IsFrench(int row) => row % 97 == 0; // 42 rows, scattered
        await using var store = await OpenAsync();
        await store.EnsureModelAsync(Model);
        await store.ReplaceDocumentsAsync(RandomVectors.AsDocuments(vectors, 40, row => new Dictionary<string, string> { ["lang"] = IsFrench(row) ? "fr" : "en" }));

        var query = RandomVectors.Create(1, Model.Dimensions, seed: 9)[0];
        var hits = await store.SearchAsync(query, new VectorSearchOptions { Top = 10, Filter = MetadataFilter.Where("lang", "fr") });

        Assert.Equal(RandomVectors.BruteForce(vectors, query, 10, IsFrench).Select(e => e.Row), hits.Select(RandomVectors.Row));
        Assert.All(hits, h => Assert.Equal("fr", h.Record.Metadata["lang"]));
        Assert.Empty(await store.SearchAsync(query, new VectorSearchOptions { Filter = MetadataFilter.Where("lang", "de") }));
    }

    [Fact]
    public async Task Min_score_drops_weaker_hits()
    {
        var vectors = RandomVectors.Create(500, Model.Dimensions, seed: 10);
        await using var store = await OpenAsync();
        await store.EnsureModelAsync(Model);
        await store.ReplaceDocumentsAsync(RandomVectors.AsDocuments(vectors, 50));

        var query = vectors[123];
        var hits = await store.SearchAsync(query, new VectorSearchOptions { Top = 50, MinScore = 0.3 });

        Assert.Equal(123, RandomVectors.Row(hits[0]));
        Assert.Equal(1.0, hits[0].Score, 4);
        Assert.All(hits, h => Assert.True(h.Score >= 0.3));
        Assert.Equal(RandomVectors.BruteForce(vectors, query, 500).Count(e => e.Score >= 0.3), hits.Count);
    }

    [Fact]
    public async Task A_concurrent_reader_sees_the_old_chunks_or_the_new_never_a_mix()
    {
        await using var store = await OpenAsync();
        await store.EnsureModelAsync(Model);
        const int Chunks = 8;
        DocumentRecords Generation(int g) => new("doc", [.. Enumerable.Range(0, Chunks).Select(i =>
            new VectorRecord($"doc:{i}:{g}", "doc", i, $"gen {g} chunk {i}", $"{g}-{i}", RandomVectors.Create(1, Model.Dimensions, g * 100 + i)[0])
            {
                Metadata = new Dictionary<string, string> { ["generation"] = g.ToString(CultureInfo.InvariantCulture) },
            })]);
        await store.ReplaceDocumentsAsync([Generation(0)]);

        using var stop = new CancellationTokenSource();
        var observations = 0;
        var observed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task ReadAsync()
        {
            var query = RandomVectors.Create(1, Model.Dimensions, 1)[0];
            while (!stop.IsCancellationRequested)
            {
                var hits = await store.SearchAsync(query, new VectorSearchOptions { Top = 100 });
                var document = await store.GetDocumentAsync("doc");
                foreach (var set in new[] { hits.Select(h => h.Record).ToList(), document.ToList() })
                {
                    Assert.Equal(Chunks, set.Count);
                    Assert.Single(set.Select(r => r.Metadata["generation"]).Distinct());
                }

                Interlocked.Increment(ref observations);
                observed.TrySetResult();
                await Task.Yield();
            }
        }

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(ReadAsync)).ToList();
        await observed.Task;
        for (var g = 1; g <= 150; g++)
        {
            await store.ReplaceDocumentsAsync([Generation(g)]);
            if (g % 10 == 0)
            {
                // Let the readers look at this generation before going on.
                var seen = Volatile.Read(ref observations);
                while (Volatile.Read(ref observations) < seen + 2)
                {
                    await Task.Yield();
                }
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.True(observations >= 30);
        Assert.Equal("150", (await store.GetDocumentAsync("doc"))[0].Metadata["generation"]);
    }

    [Fact]
    public async Task Reopening_replays_replacements_and_deletions()
    {
        var vectors = RandomVectors.Create(300, Model.Dimensions, seed: 12);
        var documents = RandomVectors.AsDocuments(vectors, 30);
        await using (var store = await OpenAsync())
        {
            await store.EnsureModelAsync(Model);
            await store.ReplaceDocumentsAsync(documents);
            Assert.True(await store.DeleteDocumentAsync("doc-3"));
            Assert.False(await store.DeleteDocumentAsync("doc-3"));
            await store.ReplaceDocumentsAsync([new DocumentRecords("doc-4", documents[4].Records.Take(2).ToList())]);
        }

        await using var reopened = await OpenAsync();
        Assert.Equal(Model, await reopened.GetModelAsync());
        Assert.Equal(300 - 30 - 28, await reopened.CountAsync());
        Assert.Empty(await reopened.GetDocumentAsync("doc-3"));
        Assert.Equal(2, (await reopened.GetDocumentAsync("doc-4")).Count);
        var hit = (await reopened.SearchAsync(vectors[0], new VectorSearchOptions { Top = 1 }))[0];
        Assert.Equal("doc-0:0", hit.Record.Id);
    }

    [Fact]
    public async Task A_torn_or_corrupt_last_write_is_dropped_and_the_previous_state_kept()
    {
        var path = _dir.File("store.ragstore");
        var vectors = RandomVectors.Create(40, Model.Dimensions, seed: 13);
        long goodLength;
        await using (var store = await OpenAsync())
        {
            await store.EnsureModelAsync(Model);
            await store.ReplaceDocumentsAsync(RandomVectors.AsDocuments(vectors[..20], 10));
            goodLength = new FileInfo(path).Length;
            await store.ReplaceDocumentsAsync(RandomVectors.AsDocuments(vectors[20..], 10).Select(d => d with { DocumentId = d.DocumentId + "-b" }).ToList());
        }

        var complete = await File.ReadAllBytesAsync(path);
        var cuts = Enumerable.Range(0, 12).Select(i => goodLength + ((complete.Length - goodLength) * i / 12)).Append(complete.Length - 1);
        foreach (var cut in cuts)
        {
            await File.WriteAllBytesAsync(path, complete[..(int)cut]);
            await using var store = await OpenAsync();
            Assert.Equal(20, await store.CountAsync());
            Assert.Equal(goodLength, new FileInfo(path).Length);
        }

        // A flipped byte inside the last record fails its checksum.
        var corrupt = (byte[])complete.Clone();
        corrupt[^20] ^= 0x5A;
        await File.WriteAllBytesAsync(path, corrupt);
        await using (var store = await OpenAsync())
        {
            Assert.Equal(20, await store.CountAsync());
            await store.ReplaceDocumentsAsync(RandomVectors.AsDocuments(vectors[20..], 10).Select(d => d with { DocumentId = d.DocumentId + "-c" }).ToList());
        }

        await using var final = await OpenAsync();
        Assert.Equal(40, await final.CountAsync());
    }

    [Fact]
    public async Task The_log_is_compacted_when_mostly_dead_and_keeps_the_state()
    {
        var path = _dir.File("store.ragstore");
        var vectors = RandomVectors.Create(50, Model.Dimensions, seed: 14);
        long largest = 0;
        await using (var store = await OpenAsync(compaction: 32 * 1024))
        {
            await store.EnsureModelAsync(Model);
            for (var round = 0; round < 40; round++)
            {
                await store.ReplaceDocumentsAsync(RandomVectors.AsDocuments(vectors, 10));
                largest = Math.Max(largest, new FileInfo(path).Length);
            }
        }

        Assert.True(new FileInfo(path).Length < 40 * 50 * Model.Dimensions * 4 / 4, "the log was not compacted");
        Assert.False(File.Exists(path + ".compact"));
        await using var reopened = await OpenAsync();
        Assert.Equal(50, await reopened.CountAsync());
    }

    [Fact]
    public async Task Another_model_or_dimension_is_refused()
    {
        await using var store = await OpenAsync();
        await store.EnsureModelAsync(Model);
        await store.EnsureModelAsync(new EmbeddingModelIdentity("RANDOM", 48)); // names compare case-insensitively

        var other = await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => store.EnsureModelAsync(new EmbeddingModelIdentity("other", 48)));
        Assert.Equal(Model, other.Expected);
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => store.EnsureModelAsync(new EmbeddingModelIdentity("random", 32)));
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => store.SearchAsync(Enumerable.Repeat(1f, 32).ToArray(), new VectorSearchOptions()));
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => store.ReplaceDocumentsAsync([new DocumentRecords("d", [new VectorRecord("d:0", "d", 0, "t", "h", Enumerable.Repeat(1f, 16).ToArray())])]));

        await store.DisposeAsync();
        await using var reopened = await OpenAsync();
        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => reopened.EnsureModelAsync(new EmbeddingModelIdentity("other", 48)));
    }

    [Fact]
    public async Task Writing_before_a_model_is_recorded_is_refused()
    {
        await using var store = await OpenAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.ReplaceDocumentsAsync([new DocumentRecords("d", [new VectorRecord("d:0", "d", 0, "t", "h", Enumerable.Repeat(1f, 48).ToArray())])]));
        Assert.Contains("EnsureModelAsync", error.Message, StringComparison.Ordinal);
    }
}
