using LocalAI.Gguf.Tests.Fixtures;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf.Tests;

[Collection(ModelCollection.Name)]
public sealed class GgufEmbeddingGeneratorTests(ModelFixture fixture)
{
    private static readonly string[] Texts = ["The cat sat on the mat.", "A completely different sentence about ships.", "short", "The cat sat on the mat again, longer this time."];

    private IEmbeddingGenerator<string, Embedding<float>> Generator => fixture.Backend.GetEmbeddingGenerator();

    [Fact]
    public async Task Vectors_have_the_model_dimension_and_unit_norm()
    {
        using var generator = fixture.Backend.GetEmbeddingGenerator();
        var embeddings = await generator.GenerateAsync(Texts);
        Assert.Equal(Texts.Length, embeddings.Count);
        Assert.All(embeddings, e =>
        {
            Assert.Equal(32, e.Vector.Length);
            var norm = Math.Sqrt(e.Vector.ToArray().Sum(x => (double)x * x));
            Assert.InRange(norm, 0.999, 1.001);
            Assert.Equal(Path.GetFileName(fixture.EmbeddingModelPath), e.ModelId);
        });
        Assert.Equal(32, generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
        Assert.Equal(Path.GetFileName(fixture.EmbeddingModelPath), generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
        Assert.NotEqual(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
    }

    [Fact]
    public async Task Creation_does_no_io_and_the_metadata_learns_the_dimensions_on_the_first_call()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gguf-lazy-{Guid.NewGuid():N}.gguf");
        try
        {
            await using var backend = new GgufBackend(GgufBackend.DefaultId, ModelFixture.Options(fixture.ChatModelPath, path));

            // The file does not exist yet: creating the generator neither looks for it nor loads it.
            using var generator = backend.GetEmbeddingGenerator();
            var before = generator.GetService<EmbeddingGeneratorMetadata>()!;
            await Assert.ThrowsAsync<ModelNotFoundException>(() => generator.GenerateAsync(Texts));

            // A failed load is not remembered: once the file is there the next call loads it.
            File.Copy(fixture.EmbeddingModelPath, path);
            var embeddings = await generator.GenerateAsync(Texts);
            var after = generator.GetService<EmbeddingGeneratorMetadata>()!;

            Assert.Equal((GgufBackend.DefaultId, Path.GetFileName(path), (int?)null), (before.ProviderName, before.DefaultModelId, before.DefaultModelDimensions));
            Assert.Equal((Path.GetFileName(path), (int?)32), (after.DefaultModelId, after.DefaultModelDimensions));
            Assert.All(embeddings, e => Assert.Equal(32, e.Vector.Length));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Concurrent_first_calls_load_the_model_once_and_get_the_same_vectors()
    {
        using var logs = new RecordingLoggerFactory();
        await using var backend = new GgufBackend(GgufBackend.DefaultId, ModelFixture.Options(fixture.ChatModelPath, fixture.EmbeddingModelPath), logs);
        var generators = Enumerable.Range(0, 6).Select(_ => backend.GetEmbeddingGenerator()).ToArray();

        var results = await Task.WhenAll(generators.Select(g => Task.Run(() => g.GenerateAsync([Texts[0]]))));

        Assert.All(results, r => Assert.Equal(results[0][0].Vector.ToArray(), r[0].Vector.ToArray()));
        Assert.Single(logs.Events, e => e.Id == 3001);
        var loaded = (await backend.ListModelsAsync()).Where(m => m.IsLoaded).Select(m => m.Id);
        Assert.Equal([Path.GetFileName(fixture.EmbeddingModelPath)], loaded);
    }

    [Fact]
    public async Task A_cancelled_first_call_leaves_the_load_to_the_next()
    {
        await using var backend = new GgufBackend(GgufBackend.DefaultId, ModelFixture.Options(fixture.ChatModelPath, fixture.EmbeddingModelPath));
        using var generator = backend.GetEmbeddingGenerator();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(Texts, cancellationToken: new CancellationToken(canceled: true)));
        var embeddings = await generator.GenerateAsync(Texts);

        Assert.Equal(Texts.Length, embeddings.Count);
    }

    [Fact]
    public async Task Same_text_gives_the_same_vector()
    {
        var a = await Generator.GenerateVectorAsync(Texts[0]);
        var b = await Generator.GenerateVectorAsync(Texts[0]);
        Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Fact]
    public async Task Batch_equals_single()
    {
        var batch = await Generator.GenerateAsync(Texts);
        for (var i = 0; i < Texts.Length; i++)
        {
            var single = await Generator.GenerateVectorAsync(Texts[i]);
            var cosine = single.ToArray().Zip(batch[i].Vector.ToArray(), (x, y) => (double)x * y).Sum();
            Assert.True(cosine > 0.9999, $"text {i}: cosine {cosine}");
        }
    }
}
