using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace LocalAI.Testing;

/// <summary>The one in-memory <see cref="ILocalBackend"/> the tests and benchmarks share: its status, models and clients are set by the test.</summary>
/// <param name="id">The backend id.</param>
/// <param name="capabilities">What the backend announces.</param>
public sealed class FakeBackend(string id, BackendCapabilities capabilities = BackendCapabilities.Chat | BackendCapabilities.Streaming) : ILocalBackend
{
    private int _probes;

    /// <inheritdoc/>
    public string Id { get; } = id;

    /// <inheritdoc/>
    public BackendCapabilities Capabilities { get; } = capabilities;

    /// <summary>Gets or sets a value indicating whether the probe reports the backend available.</summary>
    public bool Available { get; set; } = true;

    /// <summary>Gets or sets the reason an unavailable probe gives.</summary>
    public string UnavailableReason { get; set; } = "server not running";

    /// <summary>Gets or sets a probe that replaces the default one.</summary>
    public Func<CancellationToken, Task<BackendStatus>>? Probe { get; set; }

    /// <summary>Gets the models the backend lists.</summary>
    public List<string> Models { get; } = [];

    /// <summary>Gets models listed after <see cref="Models"/>, typically not installed ones.</summary>
    public List<LocalModelInfo> CatalogModels { get; } = [];

    /// <summary>Gets or sets a failure every <see cref="ListModelsAsync"/> call throws.</summary>
    public Exception? ListModelsFailure { get; set; }

    /// <summary>Gets or sets the scripted chat client served when <see cref="ChatClient"/> is not set.</summary>
    public ScriptedChatClient Chat { get; set; } = new();

    /// <summary>Gets or sets another chat client to serve instead of <see cref="Chat"/>.</summary>
    public IChatClient? ChatClient { get; set; }

    /// <summary>Gets or sets the embedding generator served; <see langword="null"/> for none.</summary>
    public IEmbeddingGenerator<string, Embedding<float>>? Embeddings { get; set; }

    /// <summary>Gets or sets a failure thrown by the next <see cref="GetEmbeddingGenerator"/> call only.</summary>
    public Exception? NextEmbeddingGeneratorFailure { get; set; }

    /// <summary>Gets the models <see cref="GetChatClient"/> was asked for, in order.</summary>
    public ConcurrentQueue<string?> RequestedChatModels { get; } = new();

    /// <summary>Gets how many times the backend was probed.</summary>
    public int ProbeCount => _probes;

    /// <summary>Gets a value indicating whether the backend was disposed.</summary>
    public bool Disposed { get; private set; }

    /// <inheritdoc/>
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

    /// <inheritdoc/>
    public Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        ListModelsFailure is { } failure
            ? Task.FromException<IReadOnlyList<LocalModelInfo>>(failure)
            : Task.FromResult<IReadOnlyList<LocalModelInfo>>([.. Models.Select(m => new LocalModelInfo(m, Id)), .. CatalogModels]);

    /// <inheritdoc/>
    public Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Backend '{Id}' cannot download models.");

    /// <inheritdoc/>
    public IChatClient GetChatClient(string? model = null)
    {
        if ((Capabilities & BackendCapabilities.Chat) == 0)
        {
            throw new NotSupportedException($"Backend '{Id}' does not serve chat.");
        }

        RequestedChatModels.Enqueue(model);
        return ChatClient ?? Chat;
    }

    /// <inheritdoc/>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        if (NextEmbeddingGeneratorFailure is { } failure)
        {
            NextEmbeddingGeneratorFailure = null;
            throw failure;
        }

        return Embeddings ?? throw new NotSupportedException($"Backend '{Id}' does not serve embeddings.");
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return default;
    }
}
