using LocalAI;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Ollama;

/// <summary>The fallback target of the fallback benchmarks: answers at once, in memory, so the figures are the router's and Ollama's cost.</summary>
internal sealed class MemoryBackend : ILocalBackend, IChatClient
{
    private static readonly ChatResponse Answer = new(new ChatMessage(ChatRole.Assistant, "fallback"));

    public string Id => "memory";

    public BackendCapabilities Capabilities => BackendCapabilities.Chat;

    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(BackendStatus.Available(Id, "1", TimeSpan.Zero, DateTimeOffset.UtcNow));

    public Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LocalModelInfo>>([new LocalModelInfo("m", Id)]);

    public Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public IChatClient GetChatClient(string? model = null) => this;

    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(Answer.Messages) { ModelId = "m" });

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
