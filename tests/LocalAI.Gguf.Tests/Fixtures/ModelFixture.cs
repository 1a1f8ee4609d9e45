using LocalAI.Gguf;
using LocalAI.Testing.Gguf;

namespace LocalAI.Gguf.Tests.Fixtures;

/// <summary>The tiny models, written once per test run, and one backend serving them (1 thread, as on a 2-core machine).</summary>
public sealed class ModelFixture : IAsyncLifetime
{
    public string ChatModelPath { get; private set; } = string.Empty;

    public string EmbeddingModelPath { get; private set; } = string.Empty;

    public GgufBackend Backend { get; private set; } = null!;

    public static GgufBackendOptions Options(string chat, string embedding) => new()
    {
        ModelPath = chat,
        EmbeddingModelPath = embedding,
        Threads = 1,
        ContextSize = 1024,
        BatchSize = 256,
        MaxParallelRequests = 4,
        DefaultMaxOutputTokens = 64,
    };

    public Task InitializeAsync()
    {
        ChatModelPath = TinyModels.Chat();
        EmbeddingModelPath = TinyModels.Embedding();
        Backend = new GgufBackend(GgufBackend.DefaultId, Options(ChatModelPath, EmbeddingModelPath));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Backend.DisposeAsync();
}
