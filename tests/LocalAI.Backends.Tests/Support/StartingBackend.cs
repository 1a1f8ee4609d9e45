using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.Backends.Tests.Support;

/// <summary>A fake backend that starts something first: its start is whatever task the test hands it.</summary>
internal sealed class StartingBackend(FakeBackend inner, Func<Task> start, TimeSpan startupTimeout) : ILocalBackend, IStartableBackend
{
    private int _starts;

    public FakeBackend Inner => inner;

    public int Starts => Volatile.Read(ref _starts);

    public string Id => inner.Id;

    public BackendCapabilities Capabilities => inner.Capabilities;

    public TimeSpan StartupTimeout => startupTimeout;

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _starts);
        return start();
    }

    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default) => inner.GetStatusAsync(cancellationToken);

    public Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) => inner.ListModelsAsync(cancellationToken);

    public Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        inner.DownloadModelAsync(model, progress, cancellationToken);

    public IChatClient GetChatClient(string? model = null) => inner.GetChatClient(model);

    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null) => inner.GetEmbeddingGenerator(model);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
