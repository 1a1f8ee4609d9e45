using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace LocalAI.Council.Tests.Support;

/// <summary>A registered backend whose chat clients are scripted; records which models were asked for.</summary>
public sealed class ScriptedBackend(string id, ScriptedChatClient client) : ILocalBackend
{
    public string Id { get; } = id;

    public BackendCapabilities Capabilities => BackendCapabilities.Chat | BackendCapabilities.Streaming;

    public ConcurrentQueue<string?> ChatClientModels { get; } = new();

    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(BackendStatus.Available(Id, "1.0", TimeSpan.Zero, DateTimeOffset.UtcNow));

    public Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LocalModelInfo>>([]);

    public Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public IChatClient GetChatClient(string? model = null)
    {
        ChatClientModels.Enqueue(model);
        return client;
    }

    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => default;
}
