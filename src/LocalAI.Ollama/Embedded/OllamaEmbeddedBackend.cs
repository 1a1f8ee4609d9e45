using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LocalAI.Ollama.Embedded;

/// <summary>An <see cref="ILocalBackend"/> over an Ollama server the SDK runs itself; the server starts on the first probe or request.</summary>
public sealed class OllamaEmbeddedBackend : ILocalBackend, IDisposable
{
    private readonly OllamaBackend _inner;

    /// <summary>Initializes a new instance of the <see cref="OllamaEmbeddedBackend"/> class; nothing starts until the first probe or request.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="loggerFactory">Creates the loggers; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public OllamaEmbeddedBackend(OllamaEmbeddedOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Server = new OllamaServerProcess(options, loggerFactory?.CreateLogger<OllamaServerProcess>(), timeProvider);
        var client = options.Client;
        var clientOptions = new OllamaOptions
        {
            Id = client.Id,
            Endpoint = Server.Endpoint,
            MaxConcurrentRequestsPerEndpoint = options.NumParallel,
            EndpointRetryDelay = TimeSpan.Zero,
            DefaultModel = client.DefaultModel,
            EmbeddingModel = client.EmbeddingModel,
            EmbeddingDimensions = client.EmbeddingDimensions,
            ContextSize = client.ContextSize,
            KeepAlive = client.KeepAlive ?? options.KeepAlive,
            GenerationTimeout = client.GenerationTimeout,
            ConnectTimeout = client.ConnectTimeout,
            EnableVision = client.EnableVision,
        };
        _inner = new OllamaBackend(clientOptions, loggerFactory?.CreateLogger<OllamaBackend>(), timeProvider);
    }

    /// <summary>Gets the managed server process.</summary>
    public OllamaServerProcess Server { get; }

    /// <summary>Gets the backend that talks to the managed server, for model management (<see cref="OllamaBackend.ShowModelAsync"/>, <see cref="OllamaBackend.DeleteModelAsync"/>).</summary>
    public OllamaBackend Client => _inner;

    /// <inheritdoc/>
    public string Id => _inner.Id;

    /// <inheritdoc/>
    public BackendCapabilities Capabilities => _inner.Capabilities;

    /// <inheritdoc/>
    public async Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Server.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LocalAIException ex)
        {
            return BackendStatus.Unavailable(Id, ex.Message, TimeSpan.Zero, DateTimeOffset.UtcNow);
        }

        return await _inner.GetStatusAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        await Server.StartAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.ListModelsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await Server.StartAsync(cancellationToken).ConfigureAwait(false);
        await _inner.DownloadModelAsync(model, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IChatClient GetChatClient(string? model = null) => new ServerStartingChatClient(Server, _inner.GetChatClient(model));

    /// <inheritdoc/>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        // The dimensions may have to be read from the server.
        Task.Run(() => Server.StartAsync()).GetAwaiter().GetResult();
        return _inner.GetEmbeddingGenerator(model);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the server (terminate, then kill after the grace period) and closes the connections; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();
}
