using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.OpenAI;

/// <summary>An <see cref="ILocalBackend"/> over a server that speaks the OpenAI API (llama.cpp's llama-server, vLLM, LM Studio, Foundry Local, Ollama's <c>/v1</c>): chat, embeddings and model list.</summary>
public sealed class OpenAICompatibleBackend : ILocalBackend, IDisposable
{
    /// <summary>The id <c>AddOpenAICompatible()</c> registers the backend under, and the name of its configuration section (<c>LocalAI:openai</c>).</summary>
    public const string DefaultId = "openai";

    private readonly OpenAICompatibleBackendOptions _options;
    private readonly OpenAIEndpoint _endpoint;
    private readonly OpenAIErrors _errors;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, int> _embeddingDimensions = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="OpenAICompatibleBackend"/> class; nothing is sent to the server until the first probe or request.</summary>
    /// <param name="id">The backend id: the name the router reports and the configuration section <c>LocalAI:&lt;id&gt;</c>.</param>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="loggerFactory">Creates the logger; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for timeouts; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or a setting is out of range; the message names its key.</exception>
    public OpenAICompatibleBackend(string id, OpenAICompatibleBackendOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(options);
        var key = $"LocalAI:{id}";
        OpenAICompatibleBackendOptionsValidator.ThrowIfInvalid(key, options);
        Id = id;
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<OpenAICompatibleBackend>();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _errors = new OpenAIErrors(id, key);
        _endpoint = new OpenAIEndpoint(options.Endpoint, options.ApiKey, options.ConnectTimeout);
        if (options.EmbeddingDimensions is { } dimensions && options.EmbeddingModel is not null)
        {
            _embeddingDimensions[options.EmbeddingModel] = dimensions;
        }
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public BackendCapabilities Capabilities =>
        BackendCapabilities.Chat | BackendCapabilities.Embeddings | BackendCapabilities.Streaming | BackendCapabilities.JsonOutput
        | (_options.EnableVision ? BackendCapabilities.Vision : BackendCapabilities.None);

    /// <summary>Gets the servers this backend sends requests to.</summary>
    public IReadOnlyList<Uri> Endpoints => [_endpoint.Uri];

    /// <inheritdoc/>
    /// <remarks>Asks <see cref="OpenAICompatibleBackendOptions.HealthPath"/> first when it is set (a server still loading its model answers 503 there), then <c>GET /v1/models</c>, whose models the status carries.</remarks>
    public async Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var started = _timeProvider.GetTimestamp();
        using var limit = new CancellationTokenSource(_options.ConnectTimeout + _options.ConnectTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        string reason;
        try
        {
            if (_options.HealthPath is { } path)
            {
                using var health = await _endpoint.GetAsync(path, linked.Token).ConfigureAwait(false);
                if (!health.IsSuccessStatusCode)
                {
                    var body = await health.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
                    reason = $"The OpenAI-compatible server at {_endpoint.Uri} is not ready: {path} answered HTTP {(int)health.StatusCode} {body.Trim()}";
                    Log.EndpointProbeFailed(_logger, _endpoint.Uri, reason);
                    return BackendStatus.Unavailable(Id, reason, _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow());
                }
            }

            var models = await ListModelsCoreAsync(linked.Token).ConfigureAwait(false);
            return BackendStatus.Available(Id, null, _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow()) with { Models = models };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            reason = limit.IsCancellationRequested
                ? _errors.Timeout(_endpoint.Uri, _options.ConnectTimeout + _options.ConnectTimeout, streaming: false, ex).Message
                : _errors.Translate(ex, _endpoint.Uri, null).Message;
            Log.EndpointProbeFailed(_logger, _endpoint.Uri, reason);
            return BackendStatus.Unavailable(Id, reason, _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow());
        }
    }

    /// <inheritdoc/>
    /// <remarks>The models of <c>GET /v1/models</c>; OpenAI-compatible servers list only the models they serve now.</remarks>
    public async Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await ListModelsCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw _errors.Translate(ex, _endpoint.Uri, null);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: OpenAI-compatible servers load their models themselves.</exception>
    public Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Backend '{Id}' cannot download models: an OpenAI-compatible server serves the models it was started with.");

    /// <inheritdoc/>
    public IChatClient GetChatClient(string? model = null) =>
        new OpenAICompatibleChatClient(_endpoint, _errors, _options, _timeProvider, model ?? _options.DefaultModel);

    /// <inheritdoc/>
    /// <remarks>
    /// Returns at once. When no model is configured (<see cref="OpenAICompatibleBackendOptions.EmbeddingModel"/>), the generator uses the server's only
    /// model and declares its name once the first request has read the model list. When the dimensions of the model are not known (<see cref="OpenAICompatibleBackendOptions.EmbeddingDimensions"/> is not set,
    /// or the model is another one), the generator's metadata declares none until its first response has shown them.
    /// </remarks>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        model ??= _options.EmbeddingModel;
        int? dimensions = model is not null && _embeddingDimensions.TryGetValue(model, out var known) ? known : null;
        return new OpenAICompatibleEmbeddingGenerator(_endpoint, _errors, _options, _timeProvider, model, dimensions, Learnt);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the connections to the server.</summary>
    public void Dispose() => _endpoint.Dispose();

    private async Task<IReadOnlyList<LocalModelInfo>> ListModelsCoreAsync(CancellationToken cancellationToken)
    {
        var models = await _endpoint.Catalog.ListAsync(cancellationToken).ConfigureAwait(false);
        return [.. models
            .Select(m => new LocalModelInfo(m.Id, Id) { IsInstalled = true, IsLoaded = true, EmbeddingDimensions = _embeddingDimensions.TryGetValue(m.Id, out var d) ? d : null })
            .OrderBy(m => m.Id, StringComparer.Ordinal)];
    }

    private void Learnt(string model, int dimensions)
    {
        if (_embeddingDimensions.TryAdd(model, dimensions))
        {
            Log.DimensionsLearnt(_logger, model, dimensions, _endpoint.Uri);
        }
    }
}
