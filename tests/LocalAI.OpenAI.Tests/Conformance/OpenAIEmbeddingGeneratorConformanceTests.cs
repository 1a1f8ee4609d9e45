using LocalAI.Testing;

namespace LocalAI.OpenAI.Tests.Conformance;

/// <summary>The shared embedding suite against a real llama-server serving the tiny random-weight BERT model with <c>--embeddings</c>.</summary>
[Collection(LlamaServerCollection.Name)]
public sealed class OpenAIEmbeddingGeneratorConformanceTests(LlamaServerFixture fixture) : EmbeddingGeneratorConformanceTests
{
    protected override Task<IEmbeddingGenerator<string, Embedding<float>>> CreateGeneratorAsync() =>
        Task.FromResult(fixture.EmbeddingBackend?.GetEmbeddingGenerator() ?? throw new InvalidOperationException(LlamaServer.Unavailable));
}
