using LocalAI.Testing.Gguf;

namespace LocalAI.Gguf.Tests;

public sealed class GgufFileTests
{
    [Fact]
    public void Read_tiny_chat_model_exposes_its_metadata()
    {
        var file = GgufFile.Read(TinyModels.Chat());

        Assert.Equal(3, file.Version);
        Assert.Equal("llama", file.Architecture);
        Assert.Equal("tiny-llama", file.Name);
        Assert.Equal(1024, file.ContextLength);
        Assert.Equal(64, file.EmbeddingLength);
        Assert.Equal(2, file.BlockCount);
        Assert.Equal("llama", file.TokenizerModel);
        Assert.Equal(32000, file.VocabularySize);
        Assert.Equal("F16", file.Quantization);
        Assert.Equal(TinyModels.ChatMlTemplate, file.ChatTemplate);
        Assert.Equal((2 * 32000 * 64) + 64 + (2 * ((64 * 64 * 2) + (64 * 32 * 2) + (3 * 64 * 128) + (2 * 64))), file.ParameterCount);
        Assert.Contains(file.Tensors, t => t.Name == "output.weight" && t.TypeName == "F16");
    }

    [Fact]
    public void Read_bert_model_exposes_pooling_and_tokenizer()
    {
        var file = GgufFile.Read(TinyModels.Embedding());
        Assert.Equal("bert", file.Architecture);
        Assert.Equal("bert", file.TokenizerModel);
        Assert.Equal(1, file.PoolingType);
        Assert.Equal(32, file.EmbeddingLength);
    }

    [Fact]
    public void Read_missing_file_throws_invalid_model_file()
    {
        var ex = Assert.Throws<InvalidModelFileException>(() => GgufFile.Read(Path.Combine(Path.GetTempPath(), "no-such-model.gguf")));
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, new byte[] { 0, 0, 0, 0 }, "bad magic 0x00000000")]
    [InlineData(4, new byte[] { 1, 0, 0, 0 }, "version 1 is not supported")]
    [InlineData(8, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0 }, "tensors, more than")]
    [InlineData(16, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0 }, "metadata entries, more than")]
    public void Read_corrupt_header_names_the_reason(int offset, byte[] patch, string reason)
    {
        var bytes = File.ReadAllBytes(TinyModels.Small());
        patch.CopyTo(bytes, offset);
        var path = WriteTemp(bytes);
        try
        {
            var ex = Assert.Throws<InvalidModelFileException>(() => GgufFile.Read(path));
            Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_truncated_file_says_it_is_truncated()
    {
        var bytes = File.ReadAllBytes(TinyModels.Small());
        var path = WriteTemp(bytes[..(bytes.Length - 100)]);
        try
        {
            var ex = Assert.Throws<InvalidModelFileException>(() => GgufFile.Read(path));
            Assert.Contains("truncated", ex.Reason, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_mismatched_embedding_table_is_refused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gguf-mismatch-{Guid.NewGuid():N}.gguf");
        new GgufWriter()
            .SetString("general.architecture", "llama")
            .SetUInt32("llama.embedding_length", 32)
            .Set("tokenizer.ggml.tokens", new GgufMetadataValue(GgufValueType.Array, new[] { "a", "b" }, GgufValueType.String))
            .AddTensor("token_embd.weight", [16, 2], new Random(1), 1f)
            .Write(path);
        try
        {
            var ex = Assert.Throws<InvalidModelFileException>(() => GgufFile.Read(path));
            Assert.Contains("embedding_length is 32", ex.Reason, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static string WriteTemp(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gguf-test-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
