using Microsoft.Extensions.AI;

namespace LocalAI.OpenAI;

/// <summary>The embedding generator of an OpenAI-compatible server (<c>/v1/embeddings</c>), declaring its model and dimensions so the router never mixes vectors of two models.</summary>
/// <remarks>Created without I/O: dimensions that are not configured are learnt from the first response, and declared from then on.</remarks>
internal sealed class OpenAICompatibleEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly OpenAIEndpointPool _pool;
    private readonly Action<string, int, Uri> _learnt;
    private EmbeddingGeneratorMetadata _metadata;
    private string? _model;

    /// <summary>Initializes a new instance of the <see cref="OpenAICompatibleEmbeddingGenerator"/> class.</summary>
    /// <param name="pool">The servers, their time limit and the translation of failures.</param>
    /// <param name="model">The embedding model; <see langword="null"/> for the server's only model, named once the first request has read the model list.</param>
    /// <param name="dimensions">The model's dimensions when known without asking the server.</param>
    /// <param name="learnt">Tells the backend the dimensions of a model, and the server, once a response has shown them.</param>
    public OpenAICompatibleEmbeddingGenerator(
        OpenAIEndpointPool pool, string? model, int? dimensions, Action<string, int, Uri> learnt)
    {
        _pool = pool;
        _model = model;
        _learnt = learnt;
        _metadata = new EmbeddingGeneratorMetadata(pool.Errors.BackendId, pool.Endpoints[0].Uri, model, dimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? [.. values];
        cancellationToken.ThrowIfCancellationRequested();
        if (texts.Count == 0)
        {
            return [];
        }

        var prepared = options?.Clone() ?? new EmbeddingGenerationOptions();
        var defaultModel = prepared.ModelId is null;
        prepared.ModelId ??= Volatile.Read(ref _model);
        var (result, served, model) = await _pool.RunAsync(
            _pool.Timeout,
            prepared.ModelId,
            async (endpoint, token) =>
            {
                var request = prepared.Clone();
                request.ModelId = await _pool.ResolveModelAsync(endpoint, prepared.ModelId, token).ConfigureAwait(false);
                return (await endpoint.EmbeddingGenerator(request.ModelId).GenerateAsync(texts, request, token).ConfigureAwait(false), endpoint.Uri, request.ModelId);
            },
            cancellationToken).ConfigureAwait(false);
        if (defaultModel && _pool.CheckModels && Volatile.Read(ref _model) is null)
        {
            // The server's only model: named from now on.
            Volatile.Write(ref _model, model);
            var declared = Volatile.Read(ref _metadata);
            Volatile.Write(ref _metadata, new EmbeddingGeneratorMetadata(declared.ProviderName, declared.ProviderUri, model, declared.DefaultModelDimensions));
        }

        Check(result, texts.Count, model, served);
        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => BackendClientServices.Get(this, Volatile.Read(ref _metadata), serviceType, serviceKey);

    public void Dispose()
    {
        // The endpoints belong to the backend.
    }

    /// <summary>Checks that there is one vector per text, all of one length, and learns that length for the default model.</summary>
    private void Check(GeneratedEmbeddings<Embedding<float>> result, int expected, string model, Uri served)
    {
        if (result.Count != expected)
        {
            throw _pool.Errors.BadEmbeddings(served, $"{result.Count} vectors for {expected} texts");
        }

        var length = result[0].Vector.Length;
        if (length == 0 || result.Any(e => e.Vector.Length != length))
        {
            throw _pool.Errors.BadEmbeddings(served, "vectors of different or zero lengths in one response");
        }

        if (!string.Equals(model, Volatile.Read(ref _model), StringComparison.Ordinal))
        {
            return;
        }

        var metadata = Volatile.Read(ref _metadata);
        if (metadata.DefaultModelDimensions is { } declared)
        {
            if (declared != length)
            {
                throw _pool.Errors.BadEmbeddings(served, $"{length} dimensions where {declared} are declared for '{model}'; fix {_pool.Errors.ConfigurationKey}:EmbeddingDimensions");
            }

            return;
        }

        Volatile.Write(ref _metadata, new EmbeddingGeneratorMetadata(metadata.ProviderName, metadata.ProviderUri, model, length));
        _learnt(model, length, served);
    }
}
