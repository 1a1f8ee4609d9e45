using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OllamaSharp.Models;

namespace LocalAI.Ollama;

/// <summary>An <see cref="ILocalBackend"/> over one or several Ollama servers someone else runs: chat, embeddings, vision, and model list, pull, show and delete.</summary>
public sealed class OllamaBackend : ILocalBackend, IModelDeleter, IDisposable
{
    /// <summary>The id <c>AddOllama()</c> registers the backend under, and the name of its configuration section (<c>LocalAI:ollama</c>).</summary>
    public const string DefaultId = "ollama";

    private const string CatalogKind = "ollama";

    private readonly OllamaBackendOptions _options;
    private readonly OllamaEndpointPool _pool;
    private readonly OllamaErrors _errors;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ModelCatalog _catalog;
    private readonly SemaphoreSlim _describing = new(1, 1);
    private readonly ConcurrentDictionary<string, int> _embeddingDimensions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="OllamaBackend"/> class; nothing is sent to the servers until the first probe or request.</summary>
    /// <param name="id">The backend id: the name the router reports and the configuration section <c>LocalAI:&lt;id&gt;</c>.</param>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="loggerFactory">Creates the logger; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for timeouts; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or a setting is out of range; the message names its key.</exception>
    public OllamaBackend(string id, OllamaBackendOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(id, options, $"LocalAI:{id}", loggerFactory, timeProvider)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OllamaBackend"/> class whose settings live under <paramref name="configurationKey"/> (the embedded server's <c>Client</c> section).</summary>
    internal OllamaBackend(string id, OllamaBackendOptions options, string configurationKey, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(options);
        OllamaBackendOptionsValidator.ThrowIfInvalid(configurationKey, options);
        Id = id;
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<OllamaBackend>();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _errors = new OllamaErrors(id, configurationKey);
        _pool = new OllamaEndpointPool(_errors, options, _timeProvider);
        _catalog = ModelCatalog.Create(CatalogKind, options.Catalog);
        if (options.EmbeddingDimensions is { } dimensions)
        {
            _embeddingDimensions[options.EmbeddingModel] = dimensions;
        }
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public BackendCapabilities Capabilities =>
        BackendCapabilities.Chat | BackendCapabilities.Embeddings | BackendCapabilities.Streaming | BackendCapabilities.JsonOutput
        | BackendCapabilities.ModelDownload | (_options.EnableVision ? BackendCapabilities.Vision : BackendCapabilities.None);

    /// <summary>Gets the Ollama servers this backend spreads requests over.</summary>
    public IReadOnlyList<Uri> Endpoints => [.. _pool.Endpoints.Select(e => e.Uri)];

    /// <inheritdoc/>
    public async Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var started = _timeProvider.GetTimestamp();
        var reasons = new List<string>();
        foreach (var endpoint in _pool.Endpoints)
        {
            try
            {
                var version = await endpoint.Client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
                _pool.MarkUp(endpoint);
                return BackendStatus.Available(Id, version?.ToString(), _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow());
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var translated = _errors.Translate(ex, endpoint.Uri, null);
                Log.EndpointProbeFailed(_logger, endpoint.Uri, translated.Message);
                reasons.Add(translated.Message);
                if (OllamaErrors.IsConnectFailure(ex))
                {
                    _pool.MarkDown(endpoint);
                }
            }
        }

        return BackendStatus.Unavailable(Id, string.Join(" ", reasons), _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow());
    }

    /// <inheritdoc/>
    /// <remarks>The models the servers have installed, by name, with the catalog's description, tags and role where it has an entry (<c>phi3.5</c> is <c>phi3.5:latest</c>); then the catalog's models no server has, with <see cref="LocalModelInfo.IsInstalled"/> <see langword="false"/>.</remarks>
    public async Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var merged = new Dictionary<string, LocalModelInfo>(StringComparer.OrdinalIgnoreCase);
        Exception? lastError = null;
        var answered = 0;
        foreach (var endpoint in _pool.Endpoints)
        {
            try
            {
                var models = await endpoint.Client.ListLocalModelsAsync(cancellationToken).ConfigureAwait(false);
                var running = await endpoint.Client.ListRunningModelsAsync(cancellationToken).ConfigureAwait(false);
                var loaded = running.Select(r => r.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
                answered++;
                foreach (var model in models)
                {
                    var info = OllamaModelMapping.FromInstalled(Id, model.Name, model.Size, model.Details, loaded.Contains(model.Name));
                    merged[model.Name] = merged.TryGetValue(model.Name, out var existing) && existing.IsLoaded ? info with { IsLoaded = true } : info;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastError = _errors.Translate(ex, endpoint.Uri, null);
            }
        }

        if (answered == 0 && lastError is not null)
        {
            throw lastError;
        }

        return _catalog.Complete(Id, merged.Values.OrderBy(m => m.Id, StringComparer.OrdinalIgnoreCase), static (entry, model) => OllamaModelMapping.SameModel(entry.Id, model.Id));
    }

    /// <summary>Describes one installed model (<c>/api/show</c>): family, parameter size, quantization, context length, embedding dimensions.</summary>
    /// <param name="model">The model name, for example <c>llama3.2:3b</c>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>What the server knows about the model.</returns>
    /// <exception cref="ModelNotFoundException">The model is not installed.</exception>
    /// <exception cref="BackendUnavailableException">No endpoint answered.</exception>
    public async Task<LocalModelInfo> ShowModelAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var endpoint = _pool.FirstAvailable();
        ShowModelResponse show;
        try
        {
            show = await endpoint.Client.ShowModelAsync(new ShowModelRequest { Model = model }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw _errors.Translate(ex, endpoint.Uri, model);
        }

        var running = await TryListRunningAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return OllamaModelMapping.FromShow(Id, model, show, running.Contains(model));
    }

    /// <inheritdoc/>
    public async Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var endpoints = _pool.Endpoints;
        for (var i = 0; i < endpoints.Count; i++)
        {
            var endpoint = endpoints[i];
            var tracker = new PullProgressTracker(model, i, endpoints.Count);
            Log.Pulling(_logger, model, endpoint.Uri);
            var succeeded = false;
            ResponseCancellation.Set(cancellationToken);
            try
            {
                await foreach (var line in endpoint.Client.PullModelAsync(new PullModelRequest { Model = model }, cancellationToken).ConfigureAwait(false))
                {
                    if (line is null)
                    {
                        continue;
                    }

                    var report = tracker.Update(line.Status, line.Digest, line.Completed, line.Total);
                    succeeded |= string.Equals(line.Status, "success", StringComparison.OrdinalIgnoreCase);
                    progress?.Report(report);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A cancelled pull closes the response under the pending read.
                cancellationToken.ThrowIfCancellationRequested();
                if (ex.Message.Contains("file does not exist", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("manifest unknown", StringComparison.OrdinalIgnoreCase)
                    || ex.Message.Contains("not found", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ModelNotFoundException(model, Id, "Check the name on https://ollama.com/library.", ex);
                }

                throw _errors.Translate(ex, endpoint.Uri, null);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!succeeded)
            {
                throw new BackendProtocolException($"Ollama at {endpoint.Uri} ended the pull of '{model}' without reporting success; the model may be incomplete. Pull it again.") { BackendId = Id };
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Deletes the model from every endpoint that has it.</remarks>
    public async Task DeleteModelAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var deleted = 0;
        Exception? lastError = null;
        foreach (var endpoint in _pool.Endpoints)
        {
            try
            {
                await endpoint.Client.DeleteModelAsync(new DeleteModelRequest { Model = model }, cancellationToken).ConfigureAwait(false);
                Log.Deleted(_logger, model, endpoint.Uri);
                deleted++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastError = _errors.Translate(ex, endpoint.Uri, model);
            }
        }

        if (deleted == 0 && lastError is not null)
        {
            throw lastError;
        }
    }

    /// <inheritdoc/>
    public IChatClient GetChatClient(string? model = null) => new OllamaChatClient(_pool, _options, model ?? _options.DefaultModel);

    /// <inheritdoc/>
    /// <remarks>
    /// Returns at once. When the dimensions of the model are not known (<see cref="OllamaBackendOptions.EmbeddingDimensions"/> is not set, or the
    /// model is another one), the generator's metadata declares none until its first request has read them from the server (<c>/api/show</c>).
    /// </remarks>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        model ??= _options.EmbeddingModel;
        int? dimensions = _embeddingDimensions.TryGetValue(model, out var known) ? known : null;
        return new OllamaEmbeddingGenerator(_pool, _options, model, dimensions, GetEmbeddingDimensionsAsync);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the connections to the servers.</summary>
    public void Dispose()
    {
        _pool.Dispose();
        _describing.Dispose();
    }

    /// <summary>Returns the dimensions of an embedding model: known ones at once, else read once from the server, however many callers ask at the same time; a failure is not remembered.</summary>
    /// <exception cref="BackendUnavailableException">The server did not answer in time.</exception>
    /// <exception cref="BackendProtocolException">The server does not know the model's embedding length (a chat model, for instance).</exception>
    internal async Task<int> GetEmbeddingDimensionsAsync(string model, CancellationToken cancellationToken)
    {
        if (_embeddingDimensions.TryGetValue(model, out var known))
        {
            return known;
        }

        await _describing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_embeddingDimensions.TryGetValue(model, out known))
            {
                return known;
            }

            using var limit = new CancellationTokenSource(_options.ConnectTimeout + _options.ConnectTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
            LocalModelInfo info;
            try
            {
                info = await ShowModelAsync(model, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw _errors.DescribeTimedOut(model, ex);
            }

            var dimensions = info.EmbeddingDimensions ?? throw _errors.EmbeddingLengthMissing(model);
            _embeddingDimensions[model] = dimensions;
            return dimensions;
        }
        finally
        {
            _describing.Release();
        }
    }

    private static async Task<HashSet<string>> TryListRunningAsync(OllamaEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            var running = await endpoint.Client.ListRunningModelsAsync(cancellationToken).ConfigureAwait(false);
            return running.Select(r => r.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return [];
        }
    }
}
