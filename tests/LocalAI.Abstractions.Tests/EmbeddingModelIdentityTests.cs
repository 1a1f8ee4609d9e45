using Microsoft.Extensions.AI;

namespace LocalAI.Abstractions.Tests;

public sealed class EmbeddingModelIdentityTests
{
    [Fact]
    public void Equality_IgnoresModelNameCase_ButNotDimensions()
    {
        Assert.Equal(new EmbeddingModelIdentity("all-MiniLM-L6-v2", 384), new EmbeddingModelIdentity("ALL-minilm-l6-v2", 384));
        Assert.Equal(
            new EmbeddingModelIdentity("all-MiniLM-L6-v2", 384).GetHashCode(),
            new EmbeddingModelIdentity("ALL-minilm-l6-v2", 384).GetHashCode());
        Assert.NotEqual(new EmbeddingModelIdentity("all-MiniLM-L6-v2", 384), new EmbeddingModelIdentity("all-MiniLM-L6-v2", 768));
        Assert.NotEqual(new EmbeddingModelIdentity("a", 384), new EmbeddingModelIdentity("b", 384));
    }

    [Fact]
    public void FromGenerator_ReadsDeclaredModelAndDimensions()
    {
        using var declared = new MetadataOnlyGenerator(new EmbeddingGeneratorMetadata("p", null, "bge-small", 384));
        using var undeclared = new MetadataOnlyGenerator(new EmbeddingGeneratorMetadata("p", null, "bge-small", null));

        Assert.Equal(new EmbeddingModelIdentity("bge-small", 384), EmbeddingModelIdentity.FromGenerator(declared));
        Assert.Null(EmbeddingModelIdentity.FromGenerator(undeclared));
    }

    private sealed class MetadataOnlyGenerator(EmbeddingGeneratorMetadata metadata) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("not called");

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata : null;

        public void Dispose()
        {
        }
    }
}
