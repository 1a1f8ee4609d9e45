using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.Mlx.Tests.Conformance;

/// <summary>The shared embedding suite through the real sidecar process and the deterministic engine's unit vectors.</summary>
public sealed class MlxEmbeddingGeneratorConformanceTests(MlxSidecarFixture fixture) : EmbeddingGeneratorConformanceTests, IClassFixture<MlxSidecarFixture>
{
    protected override Task<IEmbeddingGenerator<string, Embedding<float>>> CreateGeneratorAsync() => Task.FromResult(fixture.Backend.GetEmbeddingGenerator());
}
