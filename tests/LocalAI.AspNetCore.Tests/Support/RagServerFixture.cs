using LocalAI.Testing.Models;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore.Tests.Support;

/// <summary>A server with the real all-MiniLM-L6-v2 (ONNX) and a RAG index in an embedded store in a folder of its own.</summary>
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
            .AddRag(o => o.StorePath = Path.Combine(_folder, "index.ragstore")));
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
