using LocalAI.Gguf;
using LocalAI.Testing.Gguf;
using LocalAI.Testing.Models;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore.Tests.Support;

/// <summary>A server with the real all-MiniLM-L6-v2 (ONNX), a RAG index in an embedded store in a folder of its own, and the tiny GGUF chat model (no embeddings) to answer with RAG.</summary>
public sealed class RagServerFixture : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "localai-aspnet-rag-" + Guid.NewGuid().ToString("N"));

    public LocalAIServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var model = MiniLmModel.RequireFolder();
        Directory.CreateDirectory(_folder);
        Server = await LocalAIServer.StartAsync(b => b
            .AddOnnxEmbeddings(o => o.ModelPath = model)
            .AddRag(o => o.StorePath = Path.Combine(_folder, "index.ragstore"))
            .AddGguf(o =>
            {
                o.ModelPath = TinyModels.Chat();
                o.Threads = 1;
                o.ContextSize = 1024;
                o.DefaultMaxOutputTokens = 16;
            }));
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
