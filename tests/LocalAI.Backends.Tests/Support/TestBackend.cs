using Microsoft.Extensions.AI;

namespace LocalAI.Backends.Tests.Support;

/// <summary>An in-memory backend whose status, models and clients a test sets.</summary>
internal sealed class TestBackend(string id, BackendCapabilities capabilities = BackendCapabilities.Chat | BackendCapabilities.Streaming) : ILocalBackend
{
    private int _probes;

    public string Id { get; } = id;

    public BackendCapabilities Capabilities { get; } = capabilities;

    public bool Available { get; set; } = true;

    public string UnavailableReason { get; set; } = "server not running";

    public Func<CancellationToken, Task<BackendStatus>>? Probe { get; set; }

    public List<string> Models { get; } = [];

    public ScriptedChatClient Chat { get; set; } = new();

    public IEmbeddingGenerator<string, Embedding<float>>? Embeddings { get; set; }

    public int ProbeCount => _probes;

    public bool Disposed { get; private set; }

    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _probes);
        if (Probe is not null)
        {
            return Probe(cancellationToken);
        }

        return Task.FromResult(Available
            ? BackendStatus.Available(Id, "1.0-test", TimeSpan.FromMilliseconds(1), DateTimeOffset.UtcNow)
            : BackendStatus.Unavailable(Id, UnavailableReason, TimeSpan.FromMilliseconds(1), DateTimeOffset.UtcNow));
    }

    public Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LocalModelInfo>>(Models.Select(m => new LocalModelInfo(m, Id)).ToList());

    public Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Backend '{Id}' cannot download models.");

    public IChatClient GetChatClient(string? model = null) =>
        (Capabilities & BackendCapabilities.Chat) != 0 ? Chat : throw new NotSupportedException($"Backend '{Id}' does not serve chat.");

    /// <summary>Gets or sets a failure thrown by the next <see cref="GetEmbeddingGenerator"/> call only.</summary>
    public Exception? NextEmbeddingGeneratorFailure { get; set; }

    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        if (NextEmbeddingGeneratorFailure is { } failure)
        {
            NextEmbeddingGeneratorFailure = null;
            throw failure;
        }

        return Embeddings ?? throw new NotSupportedException($"Backend '{Id}' does not serve embeddings.");
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return default;
    }
}
