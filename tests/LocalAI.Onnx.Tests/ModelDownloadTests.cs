using System.Security.Cryptography;
using LocalAI.Onnx.Tests.Support;
using LocalAI.Testing;
using LocalAI.Testing.HuggingFace;

namespace LocalAI.Onnx.Tests;

/// <summary>The default model's download (<see cref="OnnxBackendOptions.DownloadRepository"/>, and the superseded <see cref="OnnxBackendOptions.DownloadUrl"/>) through the shared Hugging Face downloader, from the loopback hub.</summary>
public sealed class ModelDownloadTests : IAsyncDisposable
{
    private const string Repository = "acme/all-minilm";

    private static readonly string ModelSha256 =
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Fixtures.TinyBert, "model.onnx"))));

    private readonly HubTestServer _hub = new();
    private readonly TemporaryDirectory _target = new();

    public ModelDownloadTests() => _hub.AddFolder(Repository, Fixtures.TinyBert);

    private string ModelPath => Path.Combine(_target.Path, "all-MiniLM-L6-v2");

    private int ModelTransfers => _hub.Requests.Count(r => r.Method == "GET" && r.Path == $"/{Repository}/resolve/main/model.onnx");

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _target.Dispose();
    }

    [Fact]
    public async Task A_missing_model_is_downloaded_checked_and_served_on_first_use()
    {
        await using var backend = Backend(o => o.DownloadSha256 = ModelSha256.ToUpperInvariant());

        var result = await backend.GetEmbeddingGenerator().GenerateAsync([Fixtures.ReferenceCases[1].Text]);

        VectorAssert.Close(Fixtures.ReferenceCases[1].Embedding, result[0].Vector.Span, 1e-5f);
        Assert.True(File.Exists(Path.Combine(ModelPath, "1_Pooling", "config.json")));
        Assert.Empty(Directory.EnumerateFiles(ModelPath, "*.part", SearchOption.AllDirectories));
        Assert.Equal(["all-MiniLM-L6-v2"], Directory.EnumerateFileSystemEntries(_target.Path).Select(Path.GetFileName));
        Assert.Equal("all-MiniLM-L6-v2", result[0].ModelId);
    }

    [Fact]
    public async Task DownloadModelAsync_reports_progress_that_only_moves_forward_and_ends_at_100()
    {
        await using var backend = Backend();
        var reports = new List<ModelDownloadProgress>();

        await backend.DownloadModelAsync("all-MiniLM-L6-v2", new SynchronousProgress<ModelDownloadProgress>(reports.Add));

        Assert.True(backend.Capabilities.HasFlag(BackendCapabilities.ModelDownload));
        Assert.True(reports.Count > 2);
        Assert.Equal(reports.Select(r => r.Percent).Order(), reports.Select(r => r.Percent));
        Assert.True(reports[^1].IsCompleted);
        Assert.Equal(100, reports[^1].Percent);
        Assert.Equal(new FileInfo(Path.Combine(Fixtures.TinyBert, "model.onnx")).Length, new FileInfo(Path.Combine(ModelPath, "model.onnx")).Length);
    }

    [Fact]
    public async Task A_pinned_checksum_the_hub_contradicts_installs_nothing_and_says_both()
    {
        await using var backend = Backend(o => o.DownloadSha256 = new string('0', 64));

        var error = await Assert.ThrowsAsync<InvalidModelFileException>(() => backend.GetEmbeddingGenerator().GenerateAsync(["a"]));

        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains(ModelSha256, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_target.Path));
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_published_checksum_install_nothing()
    {
        await using var backend = Backend();
        _hub.CorruptNextTransfer();

        var error = await Assert.ThrowsAsync<InvalidModelFileException>(() => backend.DownloadModelAsync("all-MiniLM-L6-v2"));

        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(ModelPath));
    }

    [Fact]
    public async Task A_cut_transfer_is_resumed_with_a_range_request()
    {
        await using var backend = Backend();
        _hub.CutNextTransferAfter(1000);

        await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.DownloadModelAsync("all-MiniLM-L6-v2"));
        Assert.False(Directory.Exists(ModelPath));
        await backend.DownloadModelAsync("all-MiniLM-L6-v2");

        Assert.Equal("bytes=1000-", _hub.StorageRequests.Last().Range);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(Fixtures.TinyBert, "model.onnx")), await File.ReadAllBytesAsync(Path.Combine(ModelPath, "model.onnx")));
    }

    [Fact]
    public async Task A_repository_without_the_model_file_is_reported()
    {
        _hub.AddFile("acme/no-model", "vocab.txt", "[PAD]\n"u8.ToArray(), lfs: false);
        await using var backend = Backend(o => o.DownloadRepository = "acme/no-model");

        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.Contains("neither onnx/model.onnx nor model.onnx", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_first_calls_download_and_load_the_model_once()
    {
        await using var backend = Backend();
        var generator = backend.GetEmbeddingGenerator();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await generator.GenerateAsync([Fixtures.ReferenceCases[1].Text]);
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, ModelTransfers);
        Assert.All(results, r => VectorAssert.Close(Fixtures.ReferenceCases[1].Embedding, r[0].Vector.Span, 1e-5f));
    }

    [Fact]
    public async Task A_model_already_on_disk_is_not_downloaded_again()
    {
        Fixtures.CopyDirectory(Fixtures.TinyBert, ModelPath);
        await using var backend = Backend();

        await backend.GetEmbeddingGenerator().GenerateAsync(["a"]);

        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public async Task An_unreachable_hub_makes_the_download_fail_with_the_address()
    {
        await using var backend = Backend(o => o.HuggingFace.Endpoint = new Uri("http://127.0.0.1:9/"));

        var error = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.DownloadModelAsync("all-MiniLM-L6-v2"));

        Assert.Contains("127.0.0.1:9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_superseded_DownloadUrl_still_works_as_a_hub_repository_address()
    {
        await using var backend = Backend(o =>
        {
            o.DownloadRepository = null;
            o.HuggingFace.Endpoint = new Uri("http://127.0.0.1:9/");
            o.DownloadUrl = new Uri(_hub.Endpoint, $"{Repository}/resolve/main");
        });

        await backend.DownloadModelAsync("all-MiniLM-L6-v2");

        Assert.Equal(1, ModelTransfers);
        Assert.NotNull(ModelFolder.FindOnnxFile(ModelPath));
    }

    [Fact]
    public void A_DownloadUrl_that_is_not_a_hub_address_is_refused_with_what_to_set_instead()
    {
        var error = Assert.Throws<ArgumentException>(() => new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = ModelPath, DownloadUrl = new Uri("http://127.0.0.1:8080/models/minilm/files/") }));

        Assert.Contains("DownloadRepository", error.Message, StringComparison.Ordinal);
        Assert.Contains("HuggingFace:Endpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Besides_the_default_model_only_catalog_ids_and_repositories_are_downloaded()
    {
        await using var backend = Backend(o => o.HuggingFace.Endpoint = new Uri("http://127.0.0.1:9/"));
        await using var offline = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = ModelPath, HuggingFace = new HuggingFaceOptions { Offline = true } });

        await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.DownloadModelAsync("bge-small-en-v1.5"));
        var error = await Assert.ThrowsAsync<ModelNotFoundException>(() => offline.DownloadModelAsync("all-MiniLM-L6-v2"));
        Assert.Contains("offline mode is on", error.Message, StringComparison.Ordinal);
        Assert.True(offline.Capabilities.HasFlag(BackendCapabilities.ModelDownload));
    }

    private OnnxBackend Backend(Action<OnnxBackendOptions>? configure = null)
    {
        var options = new OnnxBackendOptions { ModelPath = ModelPath, DownloadRepository = Repository, HuggingFace = new HuggingFaceOptions { Endpoint = _hub.Endpoint } };
        configure?.Invoke(options);
        return new OnnxBackend(OnnxBackend.DefaultId, options);
    }
}
