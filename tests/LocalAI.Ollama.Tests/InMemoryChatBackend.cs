using System.Runtime.CompilerServices;

namespace LocalAI.Ollama.Tests;

/// <summary>A second backend for fallback tests: answers every chat with a fixed text, in memory.</summary>
internal sealed class InMemoryChatBackend(string id, string answer = "answer from memory") : ILocalBackend, IChatClient
{
    public int Calls;

    public string Id => id;

    public BackendCapabilities Capabilities => BackendCapabilities.Chat | BackendCapabilities.Streaming;

    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(BackendStatus.Available(id, "1.0", TimeSpan.Zero, DateTimeOffset.UtcNow));

    public Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LocalModelInfo>>([new LocalModelInfo("memory-model", id)]);

    public Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public IChatClient GetChatClient(string? model = null) => this;

    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)) { ModelId = "memory-model" });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        await Task.Yield();
        foreach (var word in answer.Split(' '))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ") { ModelId = "memory-model" };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
