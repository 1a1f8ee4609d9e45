using LocalAI.Ollama.Chat;
using LocalAI.Ollama.Endpoints;
using Microsoft.Extensions.AI;

namespace LocalAI.Ollama.Embeddings;

/// <summary>The Ollama embedding generator: OllamaSharp's <c>/api/embed</c> client on the least busy endpoint, declaring its model and dimensions so the router never mixes vectors of two models.</summary>
internal sealed class OllamaEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly OllamaEndpointPool _pool;
    private readonly string _backendId;
    private readonly string _model;
    private readonly TimeSpan _timeout;
    private readonly string? _keepAlive;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public OllamaEmbeddingGenerator(OllamaEndpointPool pool, OllamaOptions options, string model, int dimensions)
    {
        _pool = pool;
        _backendId = options.Id;
        _model = model;
        _timeout = options.GenerationTimeout;
        _keepAlive = OllamaChatClient.FormatKeepAlive(options.KeepAlive);
        _metadata = new EmbeddingGeneratorMetadata(options.Id, pool.Endpoints[0].Uri, model, dimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var prepared = options?.Clone() ?? new EmbeddingGenerationOptions();
        prepared.ModelId ??= _model;
        if (_keepAlive is not null && prepared.AdditionalProperties?.ContainsKey("keep_alive") != true)
        {
            (prepared.AdditionalProperties ??= [])["keep_alive"] = _keepAlive;
        }

        List<OllamaEndpoint>? tried = null;
        while (true)
        {
            using var lease = await _pool.AcquireAsync(tried, cancellationToken).ConfigureAwait(false)
                ?? throw new BackendUnavailableException($"No Ollama endpoint of backend '{_backendId}' is left to try.") { BackendId = _backendId };
            var endpoint = lease.Endpoint;
            using var timeout = new CancellationTokenSource(_timeout, _pool.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            ResponseCancellation.Set(linked.Token);
            try
            {
                var result = await endpoint.EmbeddingGenerator.GenerateAsync(values, prepared, linked.Token).ConfigureAwait(false);
                endpoint.MarkUp();
                return result;
            }
            catch (Exception ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw OllamaErrors.Timeout(_backendId, endpoint.Uri, _timeout, streaming: false).WithInner(ex);
            }
            catch (Exception ex) when (OllamaErrors.IsConnectFailure(ex))
            {
                lease.MarkDown();
                (tried ??= []).Add(endpoint);
                if (tried.Count >= _pool.Endpoints.Count)
                {
                    throw OllamaErrors.Translate(ex, _backendId, endpoint.Uri, prepared.ModelId);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw OllamaErrors.Translate(ex, _backendId, endpoint.Uri, prepared.ModelId);
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        // The endpoints belong to the backend.
    }
}
