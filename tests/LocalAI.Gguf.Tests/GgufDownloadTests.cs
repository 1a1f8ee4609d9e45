using LocalAI.Gguf.Tests.Fixtures;
using LocalAI.Testing;
using LocalAI.Testing.HuggingFace;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf.Tests;

[Collection(ModelCollection.Name)]
public sealed class GgufDownloadTests : IAsyncDisposable
{
    private const string Repository = "acme/Tiny-Chat-GGUF";
    private const string FileName = "tiny-chat-Q8_0.gguf";
    private readonly HubTestServer _hub = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("gguf-download-").FullName;
    private readonly byte[] _model;

    public GgufDownloadTests(ModelFixture fixture)
    {
        _model = File.ReadAllBytes(fixture.ChatModelPath);
        _hub.AddFile(Repository, FileName, _model, lfs: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_catalog_model_is_listed_not_installed_then_downloaded_listed_installed_and_chats()
    {
        await using var backend = Backend();
        var before = (await backend.ListModelsAsync()).Single(m => m.Id == "tiny-chat");
        var reports = new List<ModelDownloadProgress>();

        await backend.DownloadModelAsync("tiny-chat", new SynchronousProgress<ModelDownloadProgress>(reports.Add));
        var after = await backend.ListModelsAsync();
        var answer = await backend.GetChatClient("tiny-chat").GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 2, Temperature = 0 });

        Assert.False(before.IsInstalled);
        Assert.Equal("review", before.Role);
        Assert.Equal("a tiny test model", before.Description);
        var installed = Assert.Single(after, m => m.IsInstalled);
        Assert.Equal(FileName, installed.Id);
        Assert.Equal("review", installed.Role);
        Assert.DoesNotContain(after, m => m.Id == "tiny-chat");
        Assert.Equal(_model, await File.ReadAllBytesAsync(Path.Combine(_folder, FileName)));
        Assert.Equal(2, answer.Usage!.OutputTokenCount);
        Assert.Equal(100, reports[^1].Percent);
        Assert.Equal(reports.Select(r => r.Percent).Order(), reports.Select(r => r.Percent));
        Assert.True(backend.Capabilities.HasFlag(BackendCapabilities.ModelDownload));
    }

    [Fact]
    public async Task A_repository_and_file_download_without_a_catalog_entry_and_an_installed_file_is_not_fetched_again()
    {
        await using var backend = Backend();

        await backend.DownloadModelAsync($"{Repository}/{FileName}");
        await backend.DownloadModelAsync($"{Repository}/{FileName}");

        Assert.Single(_hub.StorageRequests);
        Assert.True(File.Exists(Path.Combine(_folder, FileName)));
    }

    [Fact]
    public async Task A_cut_download_resumes_and_the_model_then_loads()
    {
        await using var backend = Backend();
        _hub.CutNextTransferAfter(_model.Length / 3);

        await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.DownloadModelAsync("tiny-chat"));
        await backend.DownloadModelAsync("tiny-chat");
        var answer = await backend.GetChatClient(FileName).GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 1, Temperature = 0 });

        Assert.Equal($"bytes={_model.Length / 3}-", _hub.StorageRequests.Last().Range);
        Assert.Equal(1, answer.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task A_file_that_is_not_GGUF_is_not_installed()
    {
        _hub.AddFile(Repository, "fake.gguf", new byte[4096], lfs: true);
        await using var backend = Backend();

        var error = await Assert.ThrowsAsync<InvalidModelFileException>(() => backend.DownloadModelAsync($"{Repository}/fake.gguf"));

        Assert.Contains("fake.gguf", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_folder));
    }

    [Fact]
    public async Task Unknown_names_and_files_are_ModelNotFoundException()
    {
        await using var backend = Backend();

        var notAName = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.DownloadModelAsync("no-such-model"));
        var noFile = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.DownloadModelAsync($"{Repository}/missing.gguf"));
        var notInstalled = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.GetChatClient("tiny-chat").GetResponseAsync("hi"));

        Assert.Contains("tiny-chat", notAName.Message, StringComparison.Ordinal);
        Assert.Contains("missing.gguf", noFile.Message, StringComparison.Ordinal);
        Assert.Contains("not installed", notInstalled.Message, StringComparison.Ordinal);
        Assert.Contains("DownloadModelAsync(\"tiny-chat\")", notInstalled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_mode_says_how_to_install_the_model()
    {
        await using var backend = Backend(offline: true);

        var download = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.DownloadModelAsync("tiny-chat"));
        var chat = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.GetChatClient("tiny-chat").GetResponseAsync("hi"));

        Assert.Contains("offline mode is on", download.Message, StringComparison.Ordinal);
        Assert.Contains(FileName, download.Message, StringComparison.Ordinal);
        Assert.Contains("Offline mode is on", chat.Message, StringComparison.Ordinal);
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public async Task Delete_is_refused_while_the_model_is_loaded_and_removes_it_once_the_backend_is_gone()
    {
        var backend = Backend();
        await backend.DownloadModelAsync("tiny-chat");
        await backend.GetChatClient("tiny-chat").GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 1 });

        var refused = await Assert.ThrowsAsync<ModelInUseException>(() => backend.DeleteModelAsync("tiny-chat"));
        await backend.DisposeAsync();
        await using var fresh = Backend();
        await fresh.DeleteModelAsync("tiny-chat");

        Assert.Contains("is loaded", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_folder));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => fresh.DeleteModelAsync("tiny-chat"));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => fresh.DeleteModelAsync("../escape.gguf"));
    }

    [Fact]
    public async Task Without_a_models_folder_there_is_nowhere_to_download_to()
    {
        await using var backend = new GgufBackend(GgufBackend.DefaultId, new GgufBackendOptions());

        await Assert.ThrowsAsync<NotSupportedException>(() => backend.DownloadModelAsync("tiny-chat"));
        Assert.False(backend.Capabilities.HasFlag(BackendCapabilities.ModelDownload));
    }

    private GgufBackend Backend(bool offline = false) => new(GgufBackend.DefaultId, new GgufBackendOptions
    {
        ModelsDirectory = _folder,
        Threads = 1,
        ContextSize = 256,
        HuggingFace = new HuggingFaceOptions { Endpoint = _hub.Endpoint, Offline = offline },
        Catalog = new ModelCatalogOptions
        {
            ReplaceBuiltIn = true,
            Entries = { new ModelCatalogEntry { Id = "tiny-chat", Description = "a tiny test model", Role = "review", Repository = Repository, Files = { new ModelCatalogFile { Path = FileName } } } },
        },
    });
}
