using System.Text.Json;
using LocalAI.Ollama.Chat;
using LocalAI.Ollama.Diagnostics;
using LocalAI.Ollama.Embeddings;
using LocalAI.Ollama.Endpoints;
using LocalAI.Ollama.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OllamaSharp.Models;

namespace LocalAI.Ollama;

/// <summary>An <see cref="ILocalBackend"/> over one or several Ollama servers someone else runs: chat, embeddings, vision, and model list, pull, show and delete.</summary>
public sealed class OllamaBackend : ILocalBackend, IDisposable
{
    private readonly OllamaOptions _options;
    private readonly OllamaEndpointPool _pool;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _embeddingDimensions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="OllamaBackend"/> class.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for timeouts; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public OllamaBackend(OllamaOptions options, ILogger<OllamaBackend>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _pool = new OllamaEndpointPool(options, _timeProvider);
        if (options.EmbeddingDimensions is { } dims)
        {
            _embeddingDimensions[options.EmbeddingModel] = dims;
        }
    }

    /// <inheritdoc/>
    public string Id => _options.Id;

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
                endpoint.MarkUp();
                return BackendStatus.Available(Id, version?.ToString(), _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow());
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var translated = OllamaErrors.Translate(ex, Id, endpoint.Uri, null);
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
                    var info = ToModelInfo(model.Name, model.Size, model.Details, loaded.Contains(model.Name));
                    merged[model.Name] = merged.TryGetValue(model.Name, out var existing) && existing.IsLoaded ? info with { IsLoaded = true } : info;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastError = OllamaErrors.Translate(ex, Id, endpoint.Uri, null);
            }
        }

        if (answered == 0 && lastError is not null)
        {
            throw lastError;
        }

        return [.. merged.Values.OrderBy(m => m.Id, StringComparer.OrdinalIgnoreCase)];
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
        var endpoint = FirstEndpoint();
        ShowModelResponse show;
        try
        {
            show = await endpoint.Client.ShowModelAsync(new ShowModelRequest { Model = model }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw OllamaErrors.Translate(ex, Id, endpoint.Uri, model);
        }

        var architecture = show.Info?.Architecture ?? show.Details?.Family;
        var capabilities = BackendCapabilities.None;
        foreach (var capability in show.Capabilities ?? [])
        {
            capabilities |= capability switch
            {
                "completion" => BackendCapabilities.Chat | BackendCapabilities.Streaming,
                "embedding" => BackendCapabilities.Embeddings,
                "vision" => BackendCapabilities.Vision,
                _ => BackendCapabilities.None,
            };
        }

        var running = await TryListRunningAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return ToModelInfo(model, null, show.Details, running.Contains(model)) with
        {
            ContextLength = ReadInt(show.Info?.ExtraInfo, architecture + ".context_length"),
            EmbeddingDimensions = ReadInt(show.Info?.ExtraInfo, architecture + ".embedding_length"),
            Capabilities = capabilities,
        };
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
                if (ex.Message.Contains("file does not exist", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("not found", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ModelNotFoundException(model, Id, "Check the name on https://ollama.com/library.", ex);
                }

                throw OllamaErrors.Translate(ex, Id, endpoint.Uri, null);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!succeeded)
            {
                throw new BackendProtocolException($"Ollama at {endpoint.Uri} ended the pull of '{model}' without reporting success; the model may be incomplete. Pull it again.") { BackendId = Id };
            }
        }
    }

    /// <summary>Deletes an installed model from every endpoint that has it.</summary>
    /// <param name="model">The model name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the model is gone.</returns>
    /// <exception cref="ModelNotFoundException">No endpoint had the model.</exception>
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
                lastError = OllamaErrors.Translate(ex, Id, endpoint.Uri, model);
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
    /// <remarks>When <see cref="OllamaOptions.EmbeddingDimensions"/> is not set, the dimensions are read once from the server (<c>/api/show</c>).</remarks>
    /// <exception cref="BackendUnavailableException">The dimensions are not configured and the server could not tell them.</exception>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        model ??= _options.EmbeddingModel;
        int dimensions;
        lock (_gate)
        {
            _embeddingDimensions.TryGetValue(model, out dimensions);
        }

        if (dimensions == 0)
        {
            using var cts = new CancellationTokenSource(_options.ConnectTimeout + _options.ConnectTimeout, _timeProvider);
            LocalModelInfo info;
            try
            {
                info = Task.Run(() => ShowModelAsync(model, cts.Token), cts.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException ex)
            {
                throw new BackendUnavailableException($"Ollama did not describe embedding model '{model}' in time; set LocalAI:Ollama:EmbeddingDimensions.", ex) { BackendId = Id };
            }

            dimensions = info.EmbeddingDimensions
                ?? throw new BackendProtocolException($"Ollama did not report the embedding length of '{model}'; set LocalAI:Ollama:EmbeddingDimensions.") { BackendId = Id };
            lock (_gate)
            {
                _embeddingDimensions[model] = dimensions;
            }
        }

        return new OllamaEmbeddingGenerator(_pool, _options, model, dimensions);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the connections to the servers.</summary>
    public void Dispose() => _pool.Dispose();

    private OllamaEndpoint FirstEndpoint()
    {
        var now = _timeProvider.GetUtcNow();
        return _pool.Endpoints.FirstOrDefault(e => !e.IsDown(now)) ?? _pool.Endpoints[0];
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

    private LocalModelInfo ToModelInfo(string name, long? size, Details? details, bool loaded)
    {
        var isEmbedding = details?.Family is { } family && (family.Contains("bert", StringComparison.OrdinalIgnoreCase) || family.Contains("embed", StringComparison.OrdinalIgnoreCase));
        return new LocalModelInfo(name, Id)
        {
            SizeBytes = size is > 0 ? size : null,
            Family = details?.Family,
            ParameterSize = details?.ParameterSize,
            Quantization = details?.QuantizationLevel,
            IsInstalled = true,
            IsLoaded = loaded,
            Capabilities = isEmbedding ? BackendCapabilities.Embeddings : BackendCapabilities.Chat | BackendCapabilities.Streaming,
        };
    }

    private static int? ReadInt(IDictionary<string, object>? values, string key)
    {
        if (values is null || !values.TryGetValue(key, out var value))
        {
            return null;
        }

        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Number } element when element.TryGetInt32(out var i) => i,
            int i => i,
            long l => (int)l,
            _ => null,
        };
    }
}
