using LocalAI.Mlx.Tests.Support;

namespace LocalAI.Mlx.Tests;

/// <summary>The built-in engine's sentence_transformers path end to end, where that library is importable.</summary>
public sealed class SentenceTransformersEngineTests
{
    private const string MakeModel = """
        import os, sys, transformers
        from sentence_transformers import SentenceTransformer, models
        root = sys.argv[1]
        vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "local", "ai"]
        bert = os.path.join(root, "bert"); os.makedirs(bert)
        open(os.path.join(bert, "vocab.txt"), "w").write("\n".join(vocab))
        config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        transformers.BertModel(config).save_pretrained(bert)
        transformers.BertTokenizer(os.path.join(bert, "vocab.txt")).save_pretrained(bert)
        word = models.Transformer(bert, max_seq_length=32)
        SentenceTransformer(modules=[word, models.Pooling(32, pooling_mode="mean"), models.Normalize()]).save(os.path.join(root, "st"))
        """;

    [SentenceTransformersFact]
    public async Task Tiny_random_bert_embeds_through_the_sidecar()
    {
        var root = Directory.CreateTempSubdirectory("localai-mlx-st-").FullName;
        try
        {
            var made = await PythonProcess.RunAsync(["-c", MakeModel, root], timeout: TimeSpan.FromSeconds(120));
            Assert.True(made.ExitCode == 0, made.Output);
            var model = Path.Combine(root, "st");
            var options = new MlxBackendOptions { AllowNonApplePlatforms = true, EmbeddingModel = model, EmbeddingDimensions = 32 };
            options.EngineOptions["embeddings_engine"] = "sentence_transformers";
            options.EngineOptions["device"] = "cpu";
            await using var backend = new MlxBackend(MlxBackend.DefaultId, options);

            var status = await backend.GetStatusAsync();
            var vectors = await backend.GetEmbeddingGenerator().GenerateAsync(["hello world", "local ai", "hello world"]);

            Assert.True(status.IsAvailable, status.Reason);
            Assert.Equal(3, vectors.Count);
            Assert.All(vectors, v => Assert.InRange(v.Vector.Span.ToArray().Sum(x => x * x), 0.999f, 1.001f));
            Assert.Equal(vectors[0].Vector.ToArray(), vectors[2].Vector.ToArray());
            Assert.NotEqual(vectors[0].Vector.ToArray(), vectors[1].Vector.ToArray());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
