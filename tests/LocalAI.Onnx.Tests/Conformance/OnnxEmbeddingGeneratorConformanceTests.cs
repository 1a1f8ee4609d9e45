using LocalAI.Onnx.Tests.Support;
using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.Onnx.Tests.Conformance;

/// <summary>The shared embedding suite against the tiny random-weight sentence encoder, served by a backend as the router gets it.</summary>
public sealed class OnnxEmbeddingGeneratorConformanceTests : EmbeddingGeneratorConformanceTests, IAsyncLifetime
{
    private readonly OnnxBackend _backend = new(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = Fixtures.TinyBert });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected override Task<IEmbeddingGenerator<string, Embedding<float>>> CreateGeneratorAsync() => Task.FromResult(_backend.GetEmbeddingGenerator());
}
