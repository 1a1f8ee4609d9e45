using LocalAI.Testing.Models;

namespace LocalAI.Onnx.Tests;

/// <summary>One generator over the real all-MiniLM-L6-v2 (laid out by the setup step), loaded once for a test class.</summary>
public sealed class MiniLmGeneratorFixture : IAsyncLifetime, IDisposable
{
    public OnnxEmbeddingGenerator Generator { get; } = new(new OnnxBackendOptions { ModelPath = MiniLmModel.RequireFolder(), ModelId = "all-MiniLM-L6-v2" });

    public Task InitializeAsync() => Generator.LoadAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Generator.Dispose();
}
