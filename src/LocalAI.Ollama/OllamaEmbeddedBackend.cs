using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Ollama;

/// <summary>An <see cref="ILocalBackend"/> over an Ollama server the SDK runs itself; the server starts on the first probe or request.</summary>
/// <remarks>As an <see cref="IStartableBackend"/>, the router waits for the server's start up to <see cref="OllamaEmbeddedBackendOptions.StartupTimeout"/> before it probes, however short its probe timeout.</remarks>
public sealed class OllamaEmbeddedBackend : ILocalBackend, IModelDeleter, IStartableBackend
{
    /// <summary>The id <c>AddOllamaEmbedded()</c> registers the backend under, and the name of its configuration section (<c>LocalAI:ollama-embedded</c>).</summary>
    public const string DefaultId = "ollama-embedded";

    private readonly OllamaBackend _inner;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _startupTimeout;

    /// <summary>Initializes a new instance of the <see cref="OllamaEmbeddedBackend"/> class; nothing starts until the first probe or request.</summary>
    /// <param name="id">The backend id: the name the router reports and the configuration section <c>LocalAI:&lt;id&gt;</c>.</param>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="loggerFactory">Creates the loggers; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or a setting is out of range; the message names its key.</exception>
    public OllamaEmbeddedBackend(string id, OllamaEmbeddedBackendOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(options);
        OllamaEmbeddedBackendOptionsValidator.ThrowIfInvalid(id, options);
        loggerFactory ??= NullLoggerFactory.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _startupTimeout = options.StartupTimeout;
        Server = new OllamaServerProcess(id, options, loggerFactory.CreateLogger<OllamaServerProcess>(), _timeProvider);
        var client = options.Client;
        var clientOptions = new OllamaBackendOptions
        {
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
            Catalog = client.Catalog,
        };
        _inner = new OllamaBackend(id, clientOptions, $"LocalAI:{id}:Client", loggerFactory, _timeProvider);
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
    public TimeSpan StartupTimeout => _startupTimeout;

    /// <summary>Starts the server unless it runs, and waits until it answers; requests and probes do this themselves, so calling it only moves the start earlier.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; cancelling stops the process being started.</param>
    /// <returns>A task that completes when the server answers.</returns>
    /// <exception cref="BackendUnavailableException">The server could not start or did not answer within <see cref="OllamaEmbeddedBackendOptions.StartupTimeout"/>.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default) => Server.StartAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Server.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LocalAIException ex)
        {
            return BackendStatus.Unavailable(Id, ex.Message, TimeSpan.Zero, _timeProvider.GetUtcNow());
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
    public async Task DeleteModelAsync(string model, CancellationToken cancellationToken = default)
    {
        await Server.StartAsync(cancellationToken).ConfigureAwait(false);
        await _inner.DeleteModelAsync(model, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>Returns at once; each request starts the server first when it does not run.</remarks>
    public IChatClient GetChatClient(string? model = null) => new ServerStartingChatClient(Server, _inner.GetChatClient(model));

    /// <inheritdoc/>
    /// <remarks>Returns at once; each request starts the server first when it does not run, and the first one reads the dimensions when they are not configured.</remarks>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null) =>
        new ServerStartingEmbeddingGenerator(Server, _inner.GetEmbeddingGenerator(model));

    /// <summary>Stops the server (terminate, then kill after the grace period) and closes the connections.</summary>
    /// <returns>A task that completes when the server process has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
    }
}
