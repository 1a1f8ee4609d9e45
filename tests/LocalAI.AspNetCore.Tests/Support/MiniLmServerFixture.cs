using LocalAI.Testing.Models;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore.Tests.Support;

/// <summary>One server per test run over the real all-MiniLM-L6-v2 (ONNX, laid out by scripts/setup.d/10-minilm.sh).</summary>
public sealed class MiniLmServerFixture : IAsyncLifetime
{
    public LocalAIServer Server { get; private set; } = null!;

    /// <summary>Gets the embedding model's id, as the router names it.</summary>
    public string Model { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var folder = MiniLmModel.RequireFolder();
        Server = await LocalAIServer.StartAsync(b => b.AddOnnxEmbeddings(o => o.ModelPath = folder));
        Model = (await Server.Services.GetRequiredService<FallbackEmbeddingGenerator>().GetModelIdentityAsync()).Model;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
