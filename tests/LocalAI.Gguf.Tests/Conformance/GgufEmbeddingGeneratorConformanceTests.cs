using LocalAI.Gguf.Tests.Fixtures;
using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf.Tests.Conformance;

/// <summary>The shared embedding suite against the tiny random-weight BERT model, run in-process by llama.cpp.</summary>
[Collection(ModelCollection.Name)]
public sealed class GgufEmbeddingGeneratorConformanceTests(ModelFixture fixture) : EmbeddingGeneratorConformanceTests
{
    protected override Task<IEmbeddingGenerator<string, Embedding<float>>> CreateGeneratorAsync() => Task.FromResult(fixture.Backend.GetEmbeddingGenerator());
}
