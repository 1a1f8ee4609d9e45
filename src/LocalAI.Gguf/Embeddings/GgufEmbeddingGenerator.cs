using Microsoft.Extensions.AI;

namespace LocalAI.Gguf;

/// <summary>
/// The <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of the GGUF backend. Created without I/O: the model is found and loaded on
/// the first <see cref="GenerateAsync"/> (once, however many callers ask at once; a failed load is tried again on the next call). It is a
/// view on a model the backend owns and shares, so disposing it leaves the model loaded for every other caller.
/// </summary>
internal sealed class GgufEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly GgufBackend _backend;
    private readonly string _model;
    private volatile EmbeddingModel? _loaded;
    private volatile EmbeddingGeneratorMetadata _metadata;

    /// <summary>Initializes a new instance of the <see cref="GgufEmbeddingGenerator"/> class.</summary>
    /// <param name="backend">The backend that loads and owns the model.</param>
    /// <param name="model">The model: a .gguf path, or a file name in the models folder.</param>
    public GgufEmbeddingGenerator(GgufBackend backend, string model)
    {
        _backend = backend;
        _model = model;
        ModelId = Path.GetFileName(model);
        _metadata = new EmbeddingGeneratorMetadata(backend.Id, null, ModelId, null);
    }

    /// <summary>Gets the model id the generator declares and marks its embeddings with: the model's file name.</summary>
    public string ModelId { get; }

    /// <inheritdoc/>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToArray();
        foreach (var text in texts)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(values));
        }

        var model = _loaded;
        if (model is null)
        {
            model = await _backend.GetEmbeddingModelAsync(_model, cancellationToken).ConfigureAwait(false);
            _metadata = new EmbeddingGeneratorMetadata(_backend.Id, null, ModelId, model.Dimensions);
            _loaded = model;
        }

        return await model.GenerateAsync(texts, ModelId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The backend owns the model; it is freed when the backend is disposed.
    }
}
