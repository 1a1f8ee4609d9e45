using LocalAI.Gguf;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore.Tests.Support;

/// <summary>One server per test run over the tiny random-weight GGUF chat and embedding models (1 thread, as on a 2-core machine).</summary>
public sealed class GgufServerFixture : IAsyncLifetime
{
    public LocalAIServer Server { get; private set; } = null!;

    /// <summary>Gets the chat model's id, as <c>/v1/models</c> lists it.</summary>
    public string ChatModel { get; private set; } = string.Empty;

    public string EmbeddingModel { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var chat = TinyModels.Chat();
        var embedding = TinyModels.Embedding();
        ChatModel = Path.GetFileName(chat);
        EmbeddingModel = Path.GetFileName(embedding);
        Server = await LocalAIServer.StartAsync(b => b.AddGguf(o =>
        {
            o.ModelPath = chat;
            o.EmbeddingModelPath = embedding;
            o.Threads = 1;
            o.ContextSize = 1024;
            o.BatchSize = 256;
            o.MaxParallelRequests = 4;
            o.DefaultMaxOutputTokens = 64;
        }));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
