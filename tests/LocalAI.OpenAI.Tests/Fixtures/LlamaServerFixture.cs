using LocalAI.Testing.Gguf;

namespace LocalAI.OpenAI.Tests.Fixtures;

/// <summary>Two real llama-servers shared by a test collection: the tiny random-weight llama chat model, and the tiny BERT model with <c>--embeddings</c>.</summary>
public sealed class LlamaServerFixture : IAsyncLifetime
{
    public LlamaServer Chat { get; private set; } = null!;

    public LlamaServer Embeddings { get; private set; } = null!;

    public OpenAICompatibleBackend ChatBackend { get; private set; } = null!;

    public OpenAICompatibleBackend EmbeddingBackend { get; private set; } = null!;

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
        Chat = await chat;
        Embeddings = await embeddings;
        ChatBackend = CreateBackend(Chat.ApiBase);
        EmbeddingBackend = CreateBackend(Embeddings.ApiBase);
    }

    public async Task DisposeAsync()
    {
        ChatBackend?.Dispose();
        EmbeddingBackend?.Dispose();
        if (Chat is not null)
        {
            await Chat.DisposeAsync();
        }

        if (Embeddings is not null)
        {
            await Embeddings.DisposeAsync();
        }
    }
}
