using LocalAI.Onnx.Tests.Support;
using LocalAI.Testing.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LocalAI.Onnx.Tests;

public sealed class OnnxBackendTests : IDisposable
{
    private readonly TemporaryDirectory _models = new();

    public OnnxBackendTests()
    {
        Fixtures.CopyDirectory(Fixtures.TinyBert, Path.Combine(_models.Path, "all-MiniLM-L6-v2"));
        Fixtures.CopyDirectory(Fixtures.TinyBert, Path.Combine(_models.Path, "bge-small-en-v1.5"));
        Directory.CreateDirectory(Path.Combine(_models.Path, "not-a-model"));
    }

    public void Dispose() => _models.Dispose();

    [Fact]
    public async Task ListModelsAsync_lists_the_model_folders_with_their_dimensions()
    {
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = Path.Combine(_models.Path, "all-MiniLM-L6-v2") });

        var all = await backend.ListModelsAsync();
        var models = all.Where(m => m.IsInstalled).ToList();

        Assert.Equal(["all-MiniLM-L6-v2", "bge-small-en-v1.5"], models.Select(m => m.Id));
        Assert.Equal(["all-mpnet-base-v2"], all.Where(m => !m.IsInstalled).Select(m => m.Id));
        Assert.All(models, m =>
        {
            Assert.Equal("onnx", m.BackendId);
            Assert.Equal(32, m.EmbeddingDimensions);
            Assert.Equal("bert", m.Family);
            Assert.Equal(BackendCapabilities.Embeddings, m.Capabilities);
            Assert.True(m.SizeBytes > 1_000_000);
            Assert.False(m.IsLoaded);
        });
    }

    [Fact]
    public async Task GetStatusAsync_loads_the_default_model_and_reports_it_loaded()
    {
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelsDirectory = _models.Path });

        var status = await backend.GetStatusAsync();

        Assert.True(status.IsAvailable, status.Reason);
        Assert.StartsWith("onnxruntime 1.", status.Version, StringComparison.Ordinal);
        Assert.True(status.Models.Single(m => m.Id == "all-MiniLM-L6-v2").IsLoaded);
        Assert.Equal(128, status.Models.Single(m => m.Id == "all-MiniLM-L6-v2").ContextLength);
        // sentence-transformers 5 wrote this folder's sentence_bert_config.json without max_seq_length: the tokenizer's limit applies.
        Assert.Equal(MaxLengthSources.TokenizerConfig, status.Models.Single(m => m.Id == "all-MiniLM-L6-v2").ContextLengthSource);
    }

    [Fact]
    public async Task Status_of_the_real_model_shows_its_dimensions_and_the_256_token_limit_with_its_source()
    {
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = MiniLmModel.RequireFolder(), ModelId = "all-MiniLM-L6-v2" });

        var status = await backend.GetStatusAsync();

        Assert.True(status.IsAvailable, status.Reason);
        var model = Assert.Single(status.Models, m => m.Id == "all-MiniLM-L6-v2");
        Assert.True(model.IsLoaded);
        Assert.Equal((384, 256, MaxLengthSources.SentenceBertConfig), (model.EmbeddingDimensions, model.ContextLength, model.ContextLengthSource));
    }

    [Fact]
    public async Task A_folder_without_sentence_bert_config_logs_one_warning_naming_the_limit_it_chose()
    {
        var folder = Path.Combine(_models.Path, "all-MiniLM-L6-v2");
        File.Delete(Path.Combine(folder, "sentence_bert_config.json"));
        var logs = new FakeLogCollector();
        using var loggers = new LoggerFactory([new FakeLoggerProvider(logs)]);
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = folder }, loggers);

        var listed = await backend.ListModelsAsync();
        await backend.GetEmbeddingGenerator().GenerateAsync(["a"]);
        await backend.GetEmbeddingGenerator().GenerateAsync(["b"]);
        var status = await backend.GetStatusAsync();

        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Equal(5005, warning.Id.Id);
        Assert.Contains("no sentence_bert_config.json: texts are cut at 128 tokens (from tokenizer_config.json)", warning.Message, StringComparison.Ordinal);
        Assert.Equal((128, MaxLengthSources.TokenizerConfig), (listed[0].ContextLength, listed[0].ContextLengthSource));
        Assert.Equal(MaxLengthSources.TokenizerConfig, status.Models[0].ContextLengthSource);
    }

    [Fact]
    public async Task Without_any_declared_limit_the_positions_decide_and_the_option_overrides_everything()
    {
        var folder = Path.Combine(_models.Path, "all-MiniLM-L6-v2");
        File.Delete(Path.Combine(folder, "sentence_bert_config.json"));
        File.Delete(Path.Combine(folder, "tokenizer_config.json"));
        await using var byFolder = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = folder });
        await using var byOption = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = folder, MaxSequenceLength = 16 });

        var positions = (await byFolder.ListModelsAsync())[0];
        var option = (await byOption.ListModelsAsync())[0];

        Assert.Equal((128, MaxLengthSources.Positions), (positions.ContextLength, positions.ContextLengthSource));
        Assert.Equal((16, MaxLengthSources.Option), (option.ContextLength, option.ContextLengthSource));
    }

    [Fact]
    public async Task GetStatusAsync_of_a_corrupt_default_model_is_unavailable_with_the_reason()
    {
        await File.WriteAllTextAsync(Path.Combine(_models.Path, "all-MiniLM-L6-v2", "model.onnx"), "oops");
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = Path.Combine(_models.Path, "all-MiniLM-L6-v2") });

        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.Contains("does not start like an ONNX model", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetEmbeddingGenerator_serves_each_listed_model_under_its_own_identity()
    {
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = Path.Combine(_models.Path, "all-MiniLM-L6-v2") });

        var byDefault = backend.GetEmbeddingGenerator();
        var other = backend.GetEmbeddingGenerator("bge-small-en-v1.5");
        await byDefault.GenerateAsync(["a"]);
        var result = await other.GenerateAsync([Fixtures.ReferenceCases[0].Text]);

        Assert.Equal(new EmbeddingModelIdentity("all-MiniLM-L6-v2", 32), EmbeddingModelIdentity.FromGenerator(byDefault));
        Assert.Equal(new EmbeddingModelIdentity("bge-small-en-v1.5", 32), EmbeddingModelIdentity.FromGenerator(other));
        Assert.Same(byDefault, backend.GetEmbeddingGenerator("all-minilm-l6-v2"));
        Assert.Same(other, backend.GetEmbeddingGenerator("bge-small-en-v1.5"));
        Assert.Equal("bge-small-en-v1.5", result[0].ModelId);
    }

    [Fact]
    public async Task The_model_id_option_renames_the_default_model()
    {
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = Path.Combine(_models.Path, "all-MiniLM-L6-v2"), ModelId = "sentence-transformers/all-MiniLM-L6-v2" });

        var models = await backend.ListModelsAsync();

        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", backend.GetEmbeddingGenerator().GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
        Assert.Contains(models, m => m.Id == "sentence-transformers/all-MiniLM-L6-v2");
    }

    [Fact]
    public async Task An_unknown_model_is_not_found_with_a_hint()
    {
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelsDirectory = _models.Path });

        // A name that is no folder name fails at once; a folder without a model fails on the first call (finding out reads the disk).
        Assert.Throws<ModelNotFoundException>(() => backend.GetEmbeddingGenerator("../all-MiniLM-L6-v2"));
        var missing = backend.GetEmbeddingGenerator("not-a-model");
        var error = await Assert.ThrowsAsync<ModelNotFoundException>(() => missing.GenerateAsync(["a"]));
        Assert.Contains("not-a-model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetEmbeddingGenerator_reads_nothing_and_declares_the_model_at_once_and_its_size_once_loaded()
    {
        var folder = Path.Combine(_models.Path, "all-MiniLM-L6-v2");
        var hidden = folder + ".hidden";
        Directory.Move(folder, hidden);
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = folder });

        var generator = backend.GetEmbeddingGenerator();
        var before = generator.GetService<EmbeddingGeneratorMetadata>()!;
        await Assert.ThrowsAsync<InvalidModelFileException>(() => generator.GenerateAsync(["a"]));
        Directory.Move(hidden, folder);
        await generator.GenerateAsync(["a"]);
        var after = generator.GetService<EmbeddingGeneratorMetadata>()!;

        Assert.Equal(("onnx", "all-MiniLM-L6-v2", (int?)null), (before.ProviderName, before.DefaultModelId, before.DefaultModelDimensions));
        Assert.Equal(("onnx", "all-MiniLM-L6-v2", (int?)32), (after.ProviderName, after.DefaultModelId, after.DefaultModelDimensions));
    }

    [Fact]
    public async Task The_default_model_of_a_models_directory_is_named_once_the_first_call_has_found_it()
    {
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelsDirectory = _models.Path });

        var generator = backend.GetEmbeddingGenerator();
        var before = generator.GetService<EmbeddingGeneratorMetadata>()!;
        var result = await generator.GenerateAsync(["a"]);

        Assert.Null(before.DefaultModelId);
        Assert.Equal("all-MiniLM-L6-v2", result[0].ModelId);
        Assert.Equal(new EmbeddingModelIdentity("all-MiniLM-L6-v2", 32), EmbeddingModelIdentity.FromGenerator(generator));
        Assert.Same(generator, backend.GetEmbeddingGenerator("all-MiniLM-L6-v2"));
    }

    [Fact]
    public async Task The_backend_serves_embeddings_only()
    {
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelsDirectory = _models.Path });

        Assert.Equal("onnx", backend.Id);
        Assert.Equal(BackendCapabilities.Embeddings | BackendCapabilities.ModelDownload, backend.Capabilities);
        Assert.Throws<NotSupportedException>(() => backend.GetChatClient());
    }

    [Fact]
    public async Task An_empty_models_directory_makes_the_backend_unavailable()
    {
        using var empty = new TemporaryDirectory();
        await using var backend = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelsDirectory = empty.Path });

        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.Contains("model.onnx", status.Reason, StringComparison.Ordinal);
    }
}
