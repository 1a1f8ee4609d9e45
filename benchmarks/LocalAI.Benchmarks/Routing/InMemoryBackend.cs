using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Routing;

internal sealed class InMemoryBackend(string id, IChatClient chat) : ILocalBackend
{
    public string Id { get; } = id;

    public BackendCapabilities Capabilities => BackendCapabilities.Chat | BackendCapabilities.Streaming;

    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(BackendStatus.Available(Id, "bench", TimeSpan.Zero, DateTimeOffset.UtcNow));

    public Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LocalModelInfo>>([new LocalModelInfo("bench", Id)]);

    public Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public IChatClient GetChatClient(string? model = null) => chat;

    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => default;
}
