using LocalAI.Onnx.Tests.Support;

namespace LocalAI.Onnx.Tests;

public sealed class ModelLoadingTests : IDisposable
{
    private readonly TemporaryDirectory _folder = Fixtures.CopyTinyBert();

    private string Model => Path.Combine(_folder.Path, "tiny-bert-st");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_missing_folder_is_reported_as_an_invalid_model_with_the_path()
    {
        var missing = Path.Combine(_folder.Path, "nope");
        using var generator = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = missing });

        var error = await Assert.ThrowsAsync<InvalidModelFileException>(() => generator.GenerateAsync(["a"]));

        Assert.Equal(missing, error.FilePath);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_without_an_onnx_file_says_to_export_one()
    {
        File.Delete(Path.Combine(Model, "model.onnx"));

        var error = await LoadFails();

        Assert.Contains("model.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Hugging_Face_layout_with_onnx_model_onnx_is_found()
    {
        Directory.CreateDirectory(Path.Combine(Model, "onnx"));
        File.Move(Path.Combine(Model, "model.onnx"), Path.Combine(Model, "onnx", "model.onnx"));
        using var generator = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Model });

        var result = await generator.GenerateAsync([Fixtures.ReferenceCases[0].Text]);

        VectorAssert.Close(Fixtures.ReferenceCases[0].Embedding, result[0].Vector.Span, 1e-5f);
    }

    [Fact]
    public async Task A_folder_without_a_vocabulary_says_to_copy_the_tokenizer()
    {
        File.Delete(Path.Combine(Model, "vocab.txt"));
        File.Delete(Path.Combine(Model, "tokenizer.json"));

        var error = await LoadFails();

        Assert.Contains("tokenizer.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_onnx_file_is_an_invalid_model_not_a_crash()
    {
        var path = Path.Combine(Model, "model.onnx");
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 3)]);

        var error = await LoadFails();

        Assert.Equal(path, error.FilePath);
        Assert.Contains("ONNX Runtime cannot load it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_onnx_file_of_random_bytes_is_an_invalid_model()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0x08;
        bytes[1] = 0x08;
        await File.WriteAllBytesAsync(Path.Combine(Model, "model.onnx"), bytes);

        await LoadFails();
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><body>404 Not Found</body></html>")]
    [InlineData("GGUF")]
    public async Task A_file_that_does_not_start_like_onnx_is_refused_before_native_code_reads_it(string content)
    {
        await File.WriteAllTextAsync(Path.Combine(Model, "model.onnx"), content);

        var error = await LoadFails();

        Assert.Matches("empty|does not start like an ONNX model", error.Message);
    }

    [Fact]
    public async Task A_valid_onnx_model_that_is_not_a_sentence_encoder_is_refused_with_its_inputs_named()
    {
        await File.WriteAllBytesAsync(Path.Combine(Model, "model.onnx"), TinyOnnxWriter.IdentityModel());

        var error = await LoadFails();

        Assert.Contains("not a sentence encoder", error.Message, StringComparison.Ordinal);
        Assert.Contains("'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_with_an_input_ids_input_of_the_wrong_type_is_refused()
    {
        await File.WriteAllBytesAsync(Path.Combine(Model, "model.onnx"), TinyOnnxWriter.IdentityModel("input_ids", elementType: 1, rank: 2));

        var error = await LoadFails();

        Assert.Contains("not int64 [batch, sequence]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_without_token_vectors_output_is_refused()
    {
        await File.WriteAllBytesAsync(Path.Combine(Model, "model.onnx"), TinyOnnxWriter.IdentityModel("input_ids", elementType: 7, rank: 2));

        var error = await LoadFails();

        Assert.Contains("no float [batch, sequence, hidden] output", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configuration_files_of_another_model_are_detected()
    {
        await File.WriteAllTextAsync(Path.Combine(Model, "1_Pooling", "config.json"), """{ "embedding_dimension": 384, "pooling_mode": "mean" }""");

        var error = await LoadFails();

        Assert.Contains("declares 384", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_configuration_names_the_file()
    {
        await File.WriteAllTextAsync(Path.Combine(Model, "modules.json"), "{ not json");

        var error = await LoadFails();

        Assert.EndsWith("modules.json", error.FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsupported_pooling_mode_is_refused_and_the_option_overrides_it()
    {
        await File.WriteAllTextAsync(Path.Combine(Model, "1_Pooling", "config.json"), """{ "embedding_dimension": 32, "pooling_mode": "weightedmean" }""");

        var error = await LoadFails();
        using var overridden = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Model, Pooling = OnnxPoolingMode.Mean });
        var result = await overridden.GenerateAsync([Fixtures.ReferenceCases[0].Text]);

        Assert.Contains("weightedmean", error.Message, StringComparison.Ordinal);
        VectorAssert.Close(Fixtures.ReferenceCases[0].Embedding, result[0].Vector.Span, 1e-5f);
    }

    [Fact]
    public async Task Pooling_written_in_the_older_sentence_transformers_format_is_read()
    {
        await File.WriteAllTextAsync(
            Path.Combine(Model, "1_Pooling", "config.json"),
            """{ "word_embedding_dimension": 32, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false }""");
        using var fromFolder = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Model });
        using var fromOptions = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Fixtures.TinyBert, Pooling = OnnxPoolingMode.Cls });

        var expected = await fromOptions.GenerateAsync(["Hello world"]);
        var actual = await fromFolder.GenerateAsync(["Hello world"]);

        VectorAssert.Close(expected[0].Vector.Span, actual[0].Vector.Span, 1e-6f);
    }

    [Fact]
    public async Task A_folder_that_was_fixed_loads_on_the_next_call()
    {
        var path = Path.Combine(Model, "model.onnx");
        File.Move(path, path + ".away");
        using var generator = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Model });
        await Assert.ThrowsAsync<InvalidModelFileException>(() => generator.GenerateAsync(["a"]));

        File.Move(path + ".away", path);
        var result = await generator.GenerateAsync(["a"]);

        Assert.Single(result);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, -1)]
    public void Invalid_options_are_refused_at_construction(int maxBatchSize, int threads)
    {
        Assert.Throws<ArgumentException>(() => new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Model, MaxBatchSize = maxBatchSize, IntraOpNumThreads = threads }));
    }

    [Fact]
    public void A_malformed_download_checksum_or_repository_is_refused()
    {
        var checksum = Assert.Throws<ArgumentException>(() => new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = Model, DownloadRepository = "acme/model", DownloadSha256 = "abc" }));
        var repository = Assert.Throws<ArgumentException>(() => new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = Model, DownloadRepository = "just-a-name" }));

        Assert.Contains("DownloadSha256", checksum.Message, StringComparison.Ordinal);
        Assert.Contains("owner/name", repository.Message, StringComparison.Ordinal);
    }

    private async Task<InvalidModelFileException> LoadFails()
    {
        using var generator = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Model });
        return await Assert.ThrowsAsync<InvalidModelFileException>(() => generator.GenerateAsync(["a"]));
    }
}
