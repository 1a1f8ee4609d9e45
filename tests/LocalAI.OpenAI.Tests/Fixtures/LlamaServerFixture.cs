using LocalAI.Testing.Gguf;

namespace LocalAI.OpenAI.Tests.Fixtures;

/// <summary>Three real llama-servers shared by a test collection: the tiny random-weight llama chat model, the same model with the tiny vision projector (<c>--mmproj</c>), and the tiny BERT model with <c>--embeddings</c>.</summary>
public sealed class LlamaServerFixture : IAsyncLifetime
{
    public LlamaServer Chat { get; private set; } = null!;

    public LlamaServer Embeddings { get; private set; } = null!;

    /// <summary>Gets the chat model served with <see cref="TinyModels.VisionProjector"/>: it takes images.</summary>
    public LlamaServer Vision { get; private set; } = null!;

    public OpenAICompatibleBackend ChatBackend { get; private set; } = null!;

    public OpenAICompatibleBackend EmbeddingBackend { get; private set; } = null!;

    public OpenAICompatibleBackend VisionBackend { get; private set; } = null!;

    public static OpenAICompatibleBackend CreateBackend(Uri endpoint, Action<OpenAICompatibleBackendOptions>? configure = null, string id = "llamaserver", TimeProvider? timeProvider = null)
    {
        var options = new OpenAICompatibleBackendOptions { Endpoint = endpoint, DefaultModel = "tiny-llama", EmbeddingModel = "tiny-bert", HealthPath = "/health" };
        configure?.Invoke(options);
        return new OpenAICompatibleBackend(id, options, timeProvider: timeProvider);
    }

    public async Task InitializeAsync()
    {
        if (LlamaServer.Unavailable is not null)
        {
            return;
        }

        var chatModel = TinyModels.Chat();
        var embeddingModel = TinyModels.Embedding();
        var chat = LlamaServer.StartAsync(chatModel, "--alias", "tiny-llama");
        var embeddings = LlamaServer.StartAsync(embeddingModel, "--alias", "tiny-bert", "--embeddings", "--pooling", "mean");
        var vision = LlamaServer.StartAsync(chatModel, "--alias", "tiny-llama", "--mmproj", TinyModels.VisionProjector());
        try
        {
            await Task.WhenAll(chat, embeddings, vision);
        }
        catch
        {
            // Stop the ones that did start, or they outlive the test run.
            foreach (var started in new[] { chat, embeddings, vision }.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }

        Chat = chat.Result;
        Embeddings = embeddings.Result;
        Vision = vision.Result;
        ChatBackend = CreateBackend(Chat.ApiBase);
        EmbeddingBackend = CreateBackend(Embeddings.ApiBase);
        VisionBackend = CreateBackend(Vision.ApiBase, o => o.EnableVision = true);
    }

    public async Task DisposeAsync()
    {
        ChatBackend?.Dispose();
        EmbeddingBackend?.Dispose();
        VisionBackend?.Dispose();
        if (Chat is not null)
        {
            await Chat.DisposeAsync();
        }

        if (Embeddings is not null)
        {
            await Embeddings.DisposeAsync();
        }

        if (Vision is not null)
        {
            await Vision.DisposeAsync();
        }
    }
}
