using System.Security.Cryptography;
using LocalAI.Testing;
using LocalAI.Testing.HuggingFace;

namespace LocalAI.Abstractions.Tests;

public sealed class HuggingFaceDownloaderTests : IAsyncDisposable
{
    private const string Repository = "acme/tiny-model";
    private static readonly byte[] Weights = RandomBytes(300_000, 7);
    private readonly HubTestServer _hub = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("hf-download-").FullName;
    private readonly HttpClient _http = new();

    public HuggingFaceDownloaderTests() => _hub.AddFile(Repository, "weights/model.gguf", Weights, lfs: true);

    private string Target => Path.Combine(_folder, "model.gguf");

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_LFS_file_is_fetched_through_the_storage_redirect_checked_and_moved_into_place()
    {
        var reports = new List<ModelDownloadProgress>();

        await Downloader().DownloadFileAsync("tiny", Repository, new ModelCatalogFile { Path = "weights/model.gguf" }, Target, new SynchronousProgress<ModelDownloadProgress>(reports.Add));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(Target));
        Assert.False(File.Exists(Target + ".part"));
        Assert.Single(_hub.StorageRequests);
        Assert.Contains(_hub.Requests, r => r.Method == "POST" && r.Path == $"/api/models/{Repository}/paths-info/main");
        Assert.Contains(_hub.Requests, r => r.Path == $"/{Repository}/resolve/main/weights/model.gguf");
        Assert.Equal(reports.Select(r => r.Percent).Order(), reports.Select(r => r.Percent));
        Assert.True(reports[^1].IsCompleted);
        Assert.Equal(100, reports[^1].Percent);
        Assert.Equal(Weights.Length, reports[^1].BytesTotal);
        Assert.Contains(reports, r => r.BytesPerSecond > 0 && r.EstimatedTimeRemaining is not null && r.Percent is > 0 and < 100);
    }

    [Fact]
    public async Task A_cut_connection_keeps_the_partial_file_and_the_next_download_resumes_it_with_Range()
    {
        _hub.CutNextTransferAfter(100_000);
        var file = new ModelCatalogFile { Path = "weights/model.gguf" };

        var broken = await Assert.ThrowsAsync<BackendUnavailableException>(() => Downloader().DownloadFileAsync("tiny", Repository, file, Target));
        var kept = new FileInfo(Target + ".part").Length;
        var reports = new List<ModelDownloadProgress>();
        await Downloader().DownloadFileAsync("tiny", Repository, file, Target, new SynchronousProgress<ModelDownloadProgress>(reports.Add));

        Assert.Contains("resumes", broken.Message, StringComparison.Ordinal);
        Assert.Equal(100_000, kept);
        Assert.Equal(["bytes=100000-"], _hub.StorageRequests.Skip(1).Select(r => r.Range));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Target));
        Assert.True(reports.Where(r => r.BytesCompleted is not null && !r.IsCompleted).All(r => r.BytesCompleted >= 100_000));
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_LFS_SHA_256_are_deleted_and_nothing_is_installed()
    {
        _hub.CorruptNextTransfer();

        var error = await Assert.ThrowsAsync<InvalidModelFileException>(() => Downloader().DownloadFileAsync("tiny", Repository, new ModelCatalogFile { Path = "weights/model.gguf" }, Target));

        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(Weights)), error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Target));
        Assert.False(File.Exists(Target + ".part"));
    }

    [Fact]
    public async Task A_catalog_checksum_the_hub_does_not_publish_fails_before_any_byte_is_fetched()
    {
        var file = new ModelCatalogFile { Path = "weights/model.gguf", Sha256 = new string('a', 64) };

        var error = await Assert.ThrowsAsync<InvalidModelFileException>(() => Downloader().DownloadFileAsync("tiny", Repository, file, Target));

        Assert.Contains("catalog pins", error.Message, StringComparison.Ordinal);
        Assert.Empty(_hub.StorageRequests);
        Assert.False(File.Exists(Target));
    }

    [Fact]
    public async Task An_unknown_repository_or_file_is_ModelNotFoundException()
    {
        var noRepository = await Assert.ThrowsAsync<ModelNotFoundException>(() => Downloader().DownloadFileAsync("x", "acme/missing", new ModelCatalogFile { Path = "a.gguf" }, Target));
        var noFile = await Assert.ThrowsAsync<ModelNotFoundException>(() => Downloader().DownloadFileAsync("x", Repository, new ModelCatalogFile { Path = "b.gguf" }, Target));

        Assert.Contains("No repository 'acme/missing'", noRepository.Message, StringComparison.Ordinal);
        Assert.Contains("has no file 'b.gguf'", noFile.Message, StringComparison.Ordinal);
        Assert.Equal("gguf", noFile.BackendId);
        Assert.False(File.Exists(Target));
    }

    [Fact]
    public async Task A_private_repository_needs_the_token_which_is_sent_to_the_hub_but_not_to_its_storage()
    {
        _hub.RequiredToken = "hf_secret";
        var file = new ModelCatalogFile { Path = "weights/model.gguf" };

        var refused = await Assert.ThrowsAsync<ModelNotFoundException>(() => Downloader().DownloadFileAsync("tiny", Repository, file, Target));
        var wrong = await Assert.ThrowsAsync<ModelNotFoundException>(() => Downloader(new HuggingFaceOptions { Endpoint = _hub.Endpoint, Token = "hf_wrong" }).DownloadFileAsync("tiny", Repository, file, Target));
        await Downloader(new HuggingFaceOptions { Endpoint = _hub.Endpoint, Token = "hf_secret" }).DownloadFileAsync("tiny", Repository, file, Target);

        Assert.Contains("HF_TOKEN", refused.Message, StringComparison.Ordinal);
        Assert.Contains("refused the token", wrong.Message, StringComparison.Ordinal);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Target));
        Assert.All(_hub.StorageRequests, r => Assert.Null(r.Authorization));
        Assert.Contains(_hub.Requests, r => r.Path.Contains("/resolve/", StringComparison.Ordinal) && r.Authorization == "Bearer hf_secret");
    }

    [Fact]
    public async Task Offline_mode_says_the_model_is_not_installed_and_how_to_install_it_without_a_request()
    {
        var downloader = new HuggingFaceDownloader("gguf", new HuggingFaceOptions { Endpoint = _hub.Endpoint }, _http, null, name => name == "HF_HUB_OFFLINE" ? "1" : null);

        var error = await Assert.ThrowsAsync<ModelNotFoundException>(() => downloader.DownloadFileAsync("tiny", Repository, new ModelCatalogFile { Path = "weights/model.gguf" }, Target));

        Assert.True(downloader.IsOffline);
        Assert.Contains("not installed", error.Message, StringComparison.Ordinal);
        Assert.Contains("offline mode is on", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{_hub.Endpoint.AbsoluteUri}{Repository}/resolve/main/weights/model.gguf", error.Message, StringComparison.Ordinal);
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public async Task The_environment_supplies_endpoint_and_token_when_the_options_do_not()
    {
        _hub.RequiredToken = "hf_env";
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = _hub.Endpoint.AbsoluteUri, ["HF_TOKEN"] = "hf_env" };
        var downloader = new HuggingFaceDownloader("gguf", new HuggingFaceOptions(), _http, null, environment.GetValueOrDefault);

        await downloader.DownloadFileAsync("tiny", Repository, new ModelCatalogFile { Path = "weights/model.gguf" }, Target);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(Target));
        Assert.Equal(new Uri("https://huggingface.co"), new HuggingFaceOptions().Resolve(_ => null).Endpoint);
    }

    [Fact]
    public async Task Cancelling_keeps_the_partial_file_and_the_next_download_resumes_from_it()
    {
        _hub.HoldAfter(64 * 1024);
        using var cancel = new CancellationTokenSource();
        var file = new ModelCatalogFile { Path = "weights/model.gguf" };

        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new SynchronousProgress<ModelDownloadProgress>(r =>
        {
            if (r.BytesCompleted > 0)
            {
                written.TrySetResult();
            }
        });

        var first = Downloader().DownloadFileAsync("tiny", Repository, file, Target, progress, cancel.Token);
        await Task.WhenAll(_hub.Held, written.Task).WaitAsync(TimeSpan.FromSeconds(30));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await Downloader().DownloadFileAsync("tiny", Repository, file, Target);

        var resumed = _hub.StorageRequests.Skip(1).Single().Range;
        Assert.NotNull(resumed);
        Assert.StartsWith("bytes=", resumed, StringComparison.Ordinal);
        Assert.InRange(long.Parse(resumed["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture), 1, 64 * 1024);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task Two_concurrent_downloads_of_one_file_share_one_transfer()
    {
        _hub.HoldAfter(64 * 1024);
        var downloader = Downloader();
        var file = new ModelCatalogFile { Path = "weights/model.gguf" };
        var second = new List<ModelDownloadProgress>();

        var a = downloader.DownloadFileAsync("tiny", Repository, file, Target);
        await _hub.Held.WaitAsync(TimeSpan.FromSeconds(30));
        var b = downloader.DownloadFileAsync("tiny", Repository, file, Target, new SynchronousProgress<ModelDownloadProgress>(second.Add));
        _hub.Release();
        await Task.WhenAll(a, b);

        Assert.Single(_hub.StorageRequests);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Target));
        Assert.True(second[^1].IsCompleted);
    }

    [Fact]
    public async Task A_failed_write_removes_the_partial_file_and_installs_nothing()
    {
        // The partial file is the kernel's always-full device: every write fails with ENOSPC, as on a full disk.
        File.CreateSymbolicLink(Target + ".part", "/dev/full");

        var error = await Assert.ThrowsAsync<LocalAIException>(() => Downloader().DownloadFileAsync("tiny", Repository, new ModelCatalogFile { Path = "weights/model.gguf" }, Target));

        Assert.Contains("nothing was installed", error.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(error.InnerException, exactMatch: false);
        Assert.False(Path.Exists(Target + ".part"));
        Assert.False(File.Exists(Target));
    }

    [Fact]
    public async Task A_folder_is_assembled_aside_with_git_files_checked_by_object_id_and_appears_whole()
    {
        _hub.AddFile(Repository, "config.json", "{\"hidden_size\":8}"u8.ToArray(), lfs: false);
        _hub.AddFile(Repository, "1_Pooling/config.json", "{}"u8.ToArray(), lfs: false);
        var folder = Path.Combine(_folder, "tiny");
        ModelCatalogFile[] files =
        [
            new() { Path = "weights/model.gguf" }, new() { Path = "config.json" }, new() { Path = "1_Pooling/config.json" },
            new() { Path = "absent.txt", Optional = true },
        ];

        await Downloader().DownloadFolderAsync("tiny", Repository, files, folder);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(folder, "weights", "model.gguf")));
        Assert.Equal("{}", await File.ReadAllTextAsync(Path.Combine(folder, "1_Pooling", "config.json")));
        Assert.False(File.Exists(Path.Combine(folder, "absent.txt")));
        Assert.Equal(["tiny"], Directory.EnumerateDirectories(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_folder_with_a_missing_required_file_is_not_installed()
    {
        var folder = Path.Combine(_folder, "tiny");

        await Assert.ThrowsAsync<ModelNotFoundException>(() => Downloader().DownloadFolderAsync("tiny", Repository, [new() { Path = "weights/model.gguf" }, new() { Path = "vocab.txt" }], folder));

        Assert.False(Directory.Exists(folder));
        Assert.Empty(_hub.StorageRequests);
    }

    [Fact]
    public async Task ListFilesAsync_lists_the_repository_tree()
    {
        _hub.AddFile(Repository, "config.json", "{}"u8.ToArray(), lfs: false);

        var files = await Downloader().ListFilesAsync(Repository);

        Assert.Equal(["config.json", "weights/model.gguf"], files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Bad_arguments_fail_fast()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Downloader().DownloadFileAsync("tiny", "not-a-repo", new ModelCatalogFile { Path = "a" }, Target));
        await Assert.ThrowsAsync<ArgumentException>(() => Downloader().DownloadFolderAsync("tiny", Repository, [new() { Path = "../escape.txt" }], Path.Combine(_folder, "x")));
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private HuggingFaceDownloader Downloader(HuggingFaceOptions? options = null) =>
        new("gguf", options ?? new HuggingFaceOptions { Endpoint = _hub.Endpoint }, _http, null, _ => null);
}
