using System.Security.Cryptography;
using LocalAI.Onnx.Tests.Support;
using LocalAI.Testing;

namespace LocalAI.Onnx.Tests;

public sealed class ModelDownloadTests : IDisposable
{
    private static readonly string ModelSha256 =
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Fixtures.TinyBert, "model.onnx"))));

    private readonly TemporaryDirectory _target = new();

    private string ModelPath => Path.Combine(_target.Path, "all-MiniLM-L6-v2");

    public void Dispose() => _target.Dispose();

    [Fact]
    public async Task A_missing_model_is_downloaded_checked_and_served_on_first_use()
    {
        await using var server = new LoopbackFileServer(Fixtures.TinyBert);
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = ModelPath, DownloadUrl = server.BaseUrl, DownloadSha256 = ModelSha256.ToUpperInvariant() });

        var result = await backend.GetEmbeddingGenerator().GenerateAsync([Fixtures.ReferenceCases[1].Text]);

        VectorAssert.Close(Fixtures.ReferenceCases[1].Embedding, result[0].Vector.Span, 1e-5f);
        Assert.True(File.Exists(Path.Combine(ModelPath, "1_Pooling", "config.json")));
        Assert.Empty(Directory.EnumerateFiles(ModelPath, "*.download", SearchOption.AllDirectories));
        Assert.Equal("all-MiniLM-L6-v2", result[0].ModelId);
    }

    [Fact]
    public async Task DownloadModelAsync_reports_progress_that_only_moves_forward_and_ends_at_100()
    {
        await using var server = new LoopbackFileServer(Fixtures.TinyBert);
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = ModelPath, DownloadUrl = server.BaseUrl, DownloadSha256 = ModelSha256 });
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
    public async Task A_checksum_mismatch_deletes_the_download_and_says_so()
    {
        await using var server = new LoopbackFileServer(Fixtures.TinyBert);
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = ModelPath, DownloadUrl = server.BaseUrl, DownloadSha256 = new string('0', 64) });

        var error = await Assert.ThrowsAsync<InvalidModelFileException>(() => backend.GetEmbeddingGenerator().GenerateAsync(["a"]));

        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains(ModelSha256, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ModelPath, "model.onnx")));
        Assert.Empty(Directory.EnumerateFiles(ModelPath, "*.download", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_server_without_the_model_file_is_reported()
    {
        using var empty = new TemporaryDirectory();
        await using var server = new LoopbackFileServer(empty.Path);
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = ModelPath, DownloadUrl = server.BaseUrl, DownloadSha256 = ModelSha256 });

        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.Contains("404", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_first_calls_download_and_load_the_model_once()
    {
        await using var server = new LoopbackFileServer(Fixtures.TinyBert);
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = ModelPath, DownloadUrl = server.BaseUrl, DownloadSha256 = ModelSha256 });
        var generator = backend.GetEmbeddingGenerator();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await generator.GenerateAsync([Fixtures.ReferenceCases[1].Text]);
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.Equal(ModelDownloader.DefaultFiles.Count, server.Requests);
        Assert.All(results, r => VectorAssert.Close(Fixtures.ReferenceCases[1].Embedding, r[0].Vector.Span, 1e-5f));
    }

    [Fact]
    public async Task A_model_already_on_disk_is_not_downloaded_again()
    {
        Fixtures.CopyDirectory(Fixtures.TinyBert, ModelPath);
        await using var server = new LoopbackFileServer(Fixtures.TinyBert);
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = ModelPath, DownloadUrl = server.BaseUrl, DownloadSha256 = ModelSha256 });

        await backend.GetEmbeddingGenerator().GenerateAsync(["a"]);

        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task An_unreachable_server_makes_the_backend_unavailable_with_the_reason()
    {
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = ModelPath, DownloadUrl = new Uri("http://127.0.0.1:9/"), DownloadSha256 = ModelSha256 });

        var error = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.DownloadModelAsync("all-MiniLM-L6-v2"));

        Assert.Contains("127.0.0.1:9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Besides_the_default_model_only_catalog_ids_and_repositories_are_downloaded()
    {
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = ModelPath, DownloadUrl = new Uri("http://127.0.0.1:9/"), DownloadSha256 = ModelSha256 });
        await using var offline = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = ModelPath, HuggingFace = new HuggingFaceOptions { Offline = true } });

        await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.DownloadModelAsync("bge-small-en-v1.5"));
        var error = await Assert.ThrowsAsync<ModelNotFoundException>(() => offline.DownloadModelAsync("all-MiniLM-L6-v2"));
        Assert.Contains("offline mode is on", error.Message, StringComparison.Ordinal);
        Assert.True(offline.Capabilities.HasFlag(BackendCapabilities.ModelDownload));
    }
}
