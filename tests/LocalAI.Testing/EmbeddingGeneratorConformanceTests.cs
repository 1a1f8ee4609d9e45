using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace LocalAI.Testing;

/// <summary>What every backend's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> must do; each backend's tests subclass it with a real generator.</summary>
public abstract class EmbeddingGeneratorConformanceTests
{
    private static readonly string[] Texts = ["The quick brown fox.", "Local models run on this machine.", "Ünïcødé and 漢字 too."];

    /// <summary>Gets a value indicating whether the vectors are L2-normalised.</summary>
    protected virtual bool IsNormalized => true;

    /// <summary>Creates the generator under test.</summary>
    /// <returns>The generator; the suite disposes it.</returns>
    protected abstract Task<IEmbeddingGenerator<string, Embedding<float>>> CreateGeneratorAsync();

    [Fact]
    public async Task Metadata_DeclaresModelAndDimensions_AndVectorsHaveThem()
    {
        // The model is declared at once; the dimensions at once when known without I/O, else once the first call has loaded the model.
        using var generator = await CreateGeneratorAsync();
        var declared = generator.GetService<EmbeddingGeneratorMetadata>();

        var result = await generator.GenerateAsync(Texts);
        var identity = EmbeddingModelIdentity.FromGenerator(generator);

        Assert.NotNull(declared?.DefaultModelId);
        Assert.NotNull(identity);
        Assert.Equal(declared.DefaultModelId, identity.Model);
        Assert.True(declared.DefaultModelDimensions is null || declared.DefaultModelDimensions == identity.Dimensions);
        Assert.Equal(Texts.Length, result.Count);
        Assert.All(result, e => Assert.Equal(identity.Dimensions, e.Vector.Length));
    }

    [Fact]
    public async Task Vectors_AreFinite_AndNormalisedWhenDeclared()
    {
        using var generator = await CreateGeneratorAsync();

        var result = await generator.GenerateAsync(Texts);

        foreach (var embedding in result)
        {
            Assert.All(embedding.Vector.ToArray(), x => Assert.True(float.IsFinite(x)));
            if (IsNormalized)
            {
                Assert.Equal(1.0, TensorPrimitives.Norm(embedding.Vector.Span), 3);
            }
        }
    }

    [Fact]
    public async Task Batch_EqualsOneByOne_AndIsDeterministic()
    {
        using var generator = await CreateGeneratorAsync();

        var batch = await generator.GenerateAsync(Texts);
        for (var i = 0; i < Texts.Length; i++)
        {
            var single = await generator.GenerateAsync([Texts[i]]);
            var similarity = TensorPrimitives.CosineSimilarity(batch[i].Vector.Span, single[0].Vector.Span);
            Assert.True(similarity > 0.9999f, $"text {i}: batch and single differ (cosine {similarity})");
        }
    }

    [Fact]
    public async Task DifferentTexts_GiveDifferentVectors()
    {
        using var generator = await CreateGeneratorAsync();

        var result = await generator.GenerateAsync(Texts);

        Assert.True(TensorPrimitives.CosineSimilarity(result[0].Vector.Span, result[1].Vector.Span) < 0.9999f);
    }

    [Fact]
    public async Task Dispose_LeavesGeneratorsCreatedAfterwardsWorking()
    {
        using (var first = await CreateGeneratorAsync())
        {
            await first.GenerateAsync([Texts[0]]);
        }

        using var second = await CreateGeneratorAsync();
        var result = await second.GenerateAsync([Texts[1]]);

        Assert.Single(result);
    }

    [Fact]
    public async Task GenerateAsync_WithCancelledToken_ThrowsOperationCanceled()
    {
        using var generator = await CreateGeneratorAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(Texts, cancellationToken: cts.Token));
    }
}
