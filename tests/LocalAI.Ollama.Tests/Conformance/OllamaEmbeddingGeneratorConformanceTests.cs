using LocalAI.Testing;

namespace LocalAI.Ollama.Tests.Conformance;

/// <summary>The shared embedding suite through the real backend over HTTP to the Ollama protocol test server's <c>/api/embed</c>, which returns a deterministic unit vector per text.</summary>
public sealed class OllamaEmbeddingGeneratorConformanceTests(OllamaTestServerFixture fixture) : EmbeddingGeneratorConformanceTests, IClassFixture<OllamaTestServerFixture>
{
    protected override Task<IEmbeddingGenerator<string, Embedding<float>>> CreateGeneratorAsync() => Task.FromResult(fixture.Backend.GetEmbeddingGenerator());
}
