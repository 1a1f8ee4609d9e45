using LocalAI.Testing;

namespace LocalAI.Ollama.Tests;

public sealed class OllamaBackendTests : IAsyncLifetime
{
    private OllamaTestServer _server = null!;

    public async Task InitializeAsync() => _server = await OllamaTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetStatusAsync_ReportsTheServerVersion()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        var status = await backend.GetStatusAsync();

        Assert.True(status.IsAvailable);
        Assert.Equal(OllamaTestServer.Version, status.Version);
    }

    [Fact]
    public async Task GetStatusAsync_WhenRefused_IsUnavailableWithAReason()
    {
        await using var backend = TestSupport.CreateBackend(TestSupport.RefusedEndpoint());
        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.Contains("could not be reached", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListModelsAsync_ReportsSizeFamilyParametersQuantizationAndLoaded()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        await backend.GetChatClient().GetResponseAsync("load it");

        var models = await backend.ListModelsAsync();

        var llama = models.Single(m => m.Id == "llama3.2:latest");
        Assert.Equal(2_019_393_189, llama.SizeBytes);
        Assert.Equal("llama", llama.Family);
        Assert.Equal("3.2B", llama.ParameterSize);
        Assert.Equal("Q4_K_M", llama.Quantization);
        Assert.True(llama.IsLoaded);
        Assert.False(models.Single(m => m.Id == "llava:7b").IsLoaded);
        Assert.Equal(BackendCapabilities.Embeddings, models.Single(m => m.Id == "nomic-embed-text:latest").Capabilities);
    }

    [Fact]
    public async Task ListModelsAsync_ListsTheCatalogsModelsThatAreNotInstalledAfterTheInstalledOnes()
    {
        await using var backend = TestSupport.CreateBackend(_server);

        var models = await backend.ListModelsAsync();

        Assert.Equal(["llama3.2:latest", "llava:7b", "nomic-embed-text:latest"], models.Where(m => m.IsInstalled).Select(m => m.Id));
        Assert.Equal(ModelCatalog.Create("ollama").Entries.Select(e => e.Id), models.Where(m => !m.IsInstalled).Select(m => m.Id));
        var qwen = models.Single(m => m.Id == "qwen2.5:0.5b");
        Assert.Equal(("ollama", "fast opinions", false, false), (qwen.BackendId, qwen.Role, qwen.IsLoaded, string.IsNullOrEmpty(qwen.Description)));
        Assert.Equal(384, models.Single(m => m.Id == "all-minilm:l6-v2").EmbeddingDimensions);
        Assert.Equal(BackendCapabilities.Embeddings, models.Single(m => m.Id == "all-minilm:l6-v2").Capabilities);
    }

    [Fact]
    public async Task ListModelsAsync_DescribesAnInstalledCatalogModelOnce_AnUntaggedIdMeaningLatest()
    {
        await using var backend = TestSupport.CreateBackend(_server, o =>
        {
            o.Catalog.ReplaceBuiltIn = true;
            o.Catalog.Entries.Add(new ModelCatalogEntry { Id = "LLAMA3.2", Description = "the default chat model", Tags = { "chat" }, Role = "review" });
            o.Catalog.Entries.Add(new ModelCatalogEntry { Id = "tinyllama:1.1b", Description = "small", Role = "backup" });
            o.Catalog.Entries.Add(new ModelCatalogEntry { Id = "tinyllama", Description = "another tag" });
        });

        var before = await backend.ListModelsAsync();
        await backend.DownloadModelAsync("tinyllama:1.1b");
        var after = await backend.ListModelsAsync();

        var llama = Assert.Single(before, m => m.Id.StartsWith("llama3.2", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(("llama3.2:latest", true, "the default chat model", "chat", "review", "Q4_K_M"), (llama.Id, llama.IsInstalled, llama.Description, Assert.Single(llama.Tags), llama.Role, llama.Quantization));
        Assert.False(Assert.Single(before, m => m.Id == "tinyllama:1.1b").IsInstalled);
        var tiny = Assert.Single(after, m => m.Id == "tinyllama:1.1b");
        Assert.Equal((true, "small", "backup", 5000L), (tiny.IsInstalled, tiny.Description, tiny.Role, tiny.SizeBytes));
        Assert.False(Assert.Single(after, m => m.Id == "tinyllama").IsInstalled);
    }

    [Fact]
    public async Task ShowModelAsync_ReadsContextLengthAndEmbeddingLength()
    {
        await using var backend = TestSupport.CreateBackend(_server);

        var embed = await backend.ShowModelAsync("nomic-embed-text");
        var vision = await backend.ShowModelAsync("llava:7b");

        Assert.Equal(8, embed.EmbeddingDimensions);
        Assert.Equal(2048, embed.ContextLength);
        Assert.Equal(BackendCapabilities.Embeddings, embed.Capabilities);
        Assert.True(vision.Capabilities.HasFlag(BackendCapabilities.Vision));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.ShowModelAsync("missing"));
    }

    [Fact]
    public async Task DownloadModelAsync_ReportsPerLayerBytesAndAnOverallPercentThatOnlyMovesForwardBetweenAnnouncements()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        var reports = new List<ModelDownloadProgress>();

        await backend.DownloadModelAsync("tinyllama:1.1b", new SynchronousProgress<ModelDownloadProgress>(reports.Add));

        Assert.Contains(_server.Installed.Keys, k => k == "tinyllama:1.1b");
        Assert.Equal("pulling manifest", reports[0].Status);
        for (var i = 1; i < reports.Count; i++)
        {
            // It steps back only on the report that names a new layer.
            if (reports[i].PartsTotal == reports[i - 1].PartsTotal)
            {
                Assert.True(reports[i].Percent >= reports[i - 1].Percent, $"report {i}: {reports[i - 1].Percent} then {reports[i].Percent}");
            }
        }

        Assert.Equal(100, reports[^1].Percent);
        Assert.Equal(3, reports[^1].PartsTotal);
        Assert.Equal(3, reports[^1].PartsCompleted);
        Assert.True(reports[^1].IsCompleted);
        Assert.Equal(5000, reports[^1].BytesTotal);
        Assert.Contains(reports, r => r.Part is not null && r.PartBytesTotal == 1500 && r.PartBytesCompleted == 750);
        Assert.All(reports.SkipLast(1), r => Assert.True(r.Percent < 100));
    }

    [Fact]
    public async Task DownloadModelAsync_ALargeLayerAfterASmallOne_StartsNearZero_NotAt99Point9()
    {
        _server.Library["big:latest"] = new TestModel("big:latest", "llama", "7B", "Q4_0", 1_000_100) { Layers = [100, 1_000_000] };
        await using var backend = TestSupport.CreateBackend(_server);
        var reports = new List<ModelDownloadProgress>();

        await backend.DownloadModelAsync("big:latest", new SynchronousProgress<ModelDownloadProgress>(reports.Add));

        var smallDone = reports.Last(r => r.PartsTotal == 1);
        Assert.Equal(99.9, smallDone.Percent);
        Assert.Equal(1, smallDone.PartsCompleted);
        var bigAnnounced = reports.First(r => r.PartsTotal == 2);
        Assert.Equal(1, bigAnnounced.PartsCompleted);
        Assert.Equal(1_000_100, bigAnnounced.BytesTotal);
        Assert.InRange(bigAnnounced.Percent, 0, 0.1);
        var halfway = reports.Single(r => r.PartsTotal == 2 && r.PartBytesCompleted == 500_000);
        Assert.InRange(halfway.Percent, 49.9, 50.1);
        Assert.Equal(100, reports[^1].Percent);
    }

    [Fact]
    public async Task DownloadModelAsync_UnknownModel_ThrowsModelNotFound()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.DownloadModelAsync("no-such-model"));
    }

    [Theory]
    [InlineData("pull model manifest: file does not exist")]
    [InlineData("manifest unknown")]
    public async Task DownloadModelAsync_UnknownModelAnsweredAsHttp500_ThrowsModelNotFound(string words)
    {
        _server.Faults.StatusCode = 500;
        _server.Faults.ErrorMessage = words;
        await using var backend = TestSupport.CreateBackend(_server);

        var ex = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.DownloadModelAsync("no-such-model"));

        Assert.Contains(words, ex.InnerException?.Message ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadModelAsync_Cancelled_StopsThePullOnTheServer()
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Faults.BeforePullStep = async (step, ct) =>
        {
            if (step == 3)
            {
                reached.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        await using var backend = TestSupport.CreateBackend(_server);
        using var cts = new CancellationTokenSource();

        var pull = backend.DownloadModelAsync("tinyllama:1.1b", null, cts.Token);
        await reached.Task.WaitAsync(TestSupport.Wait);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pull.WaitAsync(TestSupport.Wait));
        await _server.StreamAborted.WaitAsync(TestSupport.Wait);
        Assert.DoesNotContain(_server.Installed.Keys, k => k == "tinyllama:1.1b");
    }

    [Fact]
    public async Task DeleteModelAsync_RemovesTheModel_AndAnUnknownOneIsNotFound()
    {
        await using var backend = TestSupport.CreateBackend(_server);

        await backend.DeleteModelAsync("llava:7b");

        Assert.DoesNotContain(await backend.ListModelsAsync(), m => m.Id == "llava:7b");
        await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.DeleteModelAsync("llava:7b"));
    }
}
