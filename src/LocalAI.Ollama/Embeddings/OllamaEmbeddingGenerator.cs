using Microsoft.Extensions.AI;

namespace LocalAI.Ollama;

/// <summary>The Ollama embedding generator: OllamaSharp's <c>/api/embed</c> client on the least busy endpoint, declaring its model and dimensions so the router never mixes vectors of two models.</summary>
/// <remarks>Created without I/O: dimensions that are not configured are read from the server on the first request, and declared from then on.</remarks>
internal sealed class OllamaEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly OllamaEndpointPool _pool;
    private readonly string _model;
    private readonly TimeSpan _timeout;
    private readonly string? _keepAlive;
    private readonly Func<string, CancellationToken, Task<int>> _getDimensions;
    private EmbeddingGeneratorMetadata _metadata;

    /// <summary>Initializes a new instance of the <see cref="OllamaEmbeddingGenerator"/> class.</summary>
    /// <param name="pool">The backend's endpoints.</param>
    /// <param name="options">The backend's settings.</param>
    /// <param name="model">The default embedding model.</param>
    /// <param name="dimensions">The model's dimensions when known without asking the server.</param>
    /// <param name="getDimensions">Reads a model's dimensions from the server, once per backend and model.</param>
    public OllamaEmbeddingGenerator(OllamaEndpointPool pool, OllamaBackendOptions options, string model, int? dimensions, Func<string, CancellationToken, Task<int>> getDimensions)
    {
        _pool = pool;
        _model = model;
        _timeout = options.GenerationTimeout;
        _keepAlive = OllamaKeepAlive.Format(options.KeepAlive);
        _getDimensions = getDimensions;
        _metadata = new EmbeddingGeneratorMetadata(pool.Errors.BackendId, pool.Endpoints[0].Uri, model, dimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var metadata = Volatile.Read(ref _metadata);
        if (metadata.DefaultModelDimensions is null)
        {
            var dimensions = await _getDimensions(_model, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _metadata, new EmbeddingGeneratorMetadata(metadata.ProviderName, metadata.ProviderUri, _model, dimensions));
        }

        var prepared = options?.Clone() ?? new EmbeddingGenerationOptions();
        prepared.ModelId ??= _model;
        if (_keepAlive is not null && prepared.AdditionalProperties?.ContainsKey("keep_alive") != true)
        {
            (prepared.AdditionalProperties ??= [])["keep_alive"] = _keepAlive;
        }

        return await _pool.RunAsync(
            _timeout,
            prepared.ModelId,
            (endpoint, token) => endpoint.EmbeddingGenerator.GenerateAsync(values, prepared, token),
            cancellationToken).ConfigureAwait(false);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => BackendClientServices.Get(this, Volatile.Read(ref _metadata), serviceType, serviceKey);

    public void Dispose()
    {
        // The endpoints belong to the backend.
    }
}
