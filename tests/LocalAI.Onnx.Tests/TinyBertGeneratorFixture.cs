using LocalAI.Onnx.Tests.Support;

namespace LocalAI.Onnx.Tests;

/// <summary>One generator over the tiny model, loaded once for a test class.</summary>
public sealed class TinyBertGeneratorFixture : IAsyncLifetime, IDisposable
{
    public OnnxEmbeddingGenerator Generator { get; } = new(new OnnxBackendOptions { ModelPath = Fixtures.TinyBert });

    public Task InitializeAsync() => Generator.LoadAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Generator.Dispose();
}
