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
        var embeddings = await Generator.GenerateAsync(Texts);
        Assert.Equal(Texts.Length, embeddings.Count);
        Assert.All(embeddings, e =>
        {
            Assert.Equal(32, e.Vector.Length);
            var norm = Math.Sqrt(e.Vector.ToArray().Sum(x => (double)x * x));
            Assert.InRange(norm, 0.999, 1.001);
        });
        Assert.Equal(32, Generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
        Assert.Equal("tiny-bert", Generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
        Assert.NotEqual(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
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
