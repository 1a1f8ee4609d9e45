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
    private readonly OpenAIEndpointPool _pool;
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
        _pool = new OpenAIEndpointPool(_errors, options, _timeProvider);
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

    /// <summary>Gets the servers this backend spreads requests over.</summary>
    public IReadOnlyList<Uri> Endpoints => [.. _pool.Endpoints.Select(e => e.Uri)];

    /// <summary>Returns the circuit state of one of <see cref="Endpoints"/>.</summary>
    internal EndpointCircuitState GetCircuitState(Uri endpoint) => _pool.Pool.GetCircuitState(_pool.Endpoints.First(e => e.Uri == endpoint));

    /// <inheritdoc/>
    /// <remarks>
    /// Probes every endpoint at once: <see cref="OpenAICompatibleBackendOptions.HealthPath"/> first when it is set (a server still loading its model answers 503 there), then
    /// <c>GET /v1/models</c>. Available when any endpoint answers; the status carries the union of their models. An endpoint that does not answer has its circuit opened,
    /// one that answers has it closed.
    /// </remarks>
    public async Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var started = _timeProvider.GetTimestamp();
        var probes = await Task.WhenAll(_pool.Endpoints.Select(e => ProbeAsync(e, cancellationToken))).ConfigureAwait(false);
        var answered = probes.Where(p => p.Models is not null).ToList();
        if (answered.Count == 0)
        {
            return BackendStatus.Unavailable(Id, string.Join(" ", probes.Select(p => p.Reason)), _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow());
        }

        return BackendStatus.Available(Id, null, _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow()) with { Models = Union(answered.Select(p => p.Models!)) };
    }

    /// <inheritdoc/>
    /// <remarks>The union of the models each endpoint lists at <c>GET /v1/models</c>; OpenAI-compatible servers list only the models they serve now. Fails only when no endpoint answers.</remarks>
    public async Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var lists = new List<IReadOnlyList<LocalModelInfo>>();
        Exception? lastError = null;
        foreach (var endpoint in _pool.Endpoints)
        {
            try
            {
                lists.Add(await ListModelsCoreAsync(endpoint, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastError = _errors.Translate(ex, endpoint.Uri, null);
            }
        }

        return lists.Count == 0 && lastError is not null ? throw lastError : Union(lists);
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: OpenAI-compatible servers load their models themselves.</exception>
    public Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Backend '{Id}' cannot download models: an OpenAI-compatible server serves the models it was started with.");

    /// <inheritdoc/>
    public IChatClient GetChatClient(string? model = null) =>
        new OpenAICompatibleChatClient(_pool, model ?? _options.DefaultModel);

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
        return new OpenAICompatibleEmbeddingGenerator(_pool, model, dimensions, Learnt);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the connections to the servers.</summary>
    public void Dispose() => _pool.Dispose();

    private static List<LocalModelInfo> Union(IEnumerable<IReadOnlyList<LocalModelInfo>> lists) =>
        [.. lists.SelectMany(l => l).DistinctBy(m => m.Id, StringComparer.Ordinal).OrderBy(m => m.Id, StringComparer.Ordinal)];

    /// <summary>Probes one endpoint within twice the connect timeout; opens its circuit when it does not answer, closes it when it does.</summary>
    private async Task<(IReadOnlyList<LocalModelInfo>? Models, string? Reason)> ProbeAsync(OpenAIEndpoint endpoint, CancellationToken cancellationToken)
    {
        var limitAfter = _options.ConnectTimeout + _options.ConnectTimeout;
        using var limit = new CancellationTokenSource(limitAfter, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        string reason;
        try
        {
            if (_options.HealthPath is { } path)
            {
                using var health = await endpoint.GetAsync(path, linked.Token).ConfigureAwait(false);
                if (!health.IsSuccessStatusCode)
                {
                    var body = await health.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
                    reason = $"The OpenAI-compatible server at {endpoint.Uri} is not ready: {path} answered HTTP {(int)health.StatusCode} {body.Trim()}";
                    Log.EndpointProbeFailed(_logger, endpoint.Uri, reason);
                    _pool.MarkDown(endpoint);
                    return (null, reason);
                }
            }

            var models = await ListModelsCoreAsync(endpoint, linked.Token).ConfigureAwait(false);
            _pool.MarkUp(endpoint);
            return (models, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            reason = limit.IsCancellationRequested
                ? _errors.Timeout(endpoint.Uri, limitAfter, streaming: false, ex).Message
                : _errors.Translate(ex, endpoint.Uri, null).Message;
            Log.EndpointProbeFailed(_logger, endpoint.Uri, reason);
            _pool.MarkDown(endpoint);
            return (null, reason);
        }
    }

    private async Task<IReadOnlyList<LocalModelInfo>> ListModelsCoreAsync(OpenAIEndpoint endpoint, CancellationToken cancellationToken)
    {
        var models = await endpoint.Catalog.ListAsync(cancellationToken).ConfigureAwait(false);
        return [.. models
            .Select(m => new LocalModelInfo(m.Id, Id) { IsInstalled = true, IsLoaded = true, EmbeddingDimensions = _embeddingDimensions.TryGetValue(m.Id, out var d) ? d : null })
            .OrderBy(m => m.Id, StringComparer.Ordinal)];
    }

    private void Learnt(string model, int dimensions, Uri endpoint)
    {
        if (_embeddingDimensions.TryAdd(model, dimensions))
        {
            Log.DimensionsLearnt(_logger, model, dimensions, endpoint);
        }
    }
}
