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

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var prepared = options?.Clone() ?? new EmbeddingGenerationOptions();
        prepared.ModelId ??= _model;
        if (_keepAlive is not null && prepared.AdditionalProperties?.ContainsKey("keep_alive") != true)
        {
            (prepared.AdditionalProperties ??= [])["keep_alive"] = _keepAlive;
        }

        return _pool.RunAsync(
            _backendId,
            _timeout,
            prepared.ModelId,
            (endpoint, token) => endpoint.EmbeddingGenerator.GenerateAsync(values, prepared, token),
            cancellationToken);
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
