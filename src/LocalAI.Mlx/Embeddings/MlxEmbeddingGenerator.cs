using Microsoft.Extensions.AI;

namespace LocalAI.Mlx;

/// <summary>An embedding generator served by the MLX sidecar: one request per batch, vectors as base64 float32 or JSON floats.</summary>
/// <remarks>Created without I/O: the sidecar starts on the first request, and dimensions that are not configured are declared once that request has returned vectors.</remarks>
internal sealed class MlxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly MlxSidecar _sidecar;
    private readonly string _model;
    private readonly int? _dimensions;
    private readonly MlxEmbeddingEncoding _encoding;
    private readonly TimeProvider _timeProvider;
    private EmbeddingGeneratorMetadata _metadata;

    /// <summary>Initializes a new instance of the <see cref="MlxEmbeddingGenerator"/> class.</summary>
    /// <param name="sidecar">The backend's sidecar.</param>
    /// <param name="model">The default embedding model.</param>
    /// <param name="dimensions">The model's configured dimensions, checked against every answer; <see langword="null"/> when not configured.</param>
    /// <param name="encoding">How vectors travel.</param>
    /// <param name="timeProvider">The clock for the embeddings' creation time.</param>
    public MlxEmbeddingGenerator(MlxSidecar sidecar, string model, int? dimensions, MlxEmbeddingEncoding encoding, TimeProvider timeProvider)
    {
        _sidecar = sidecar;
        _model = model;
        _dimensions = dimensions;
        _encoding = encoding;
        _timeProvider = timeProvider;
        _metadata = new EmbeddingGeneratorMetadata(sidecar.BackendId, null, model, dimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? [.. values];
        if (texts.Count == 0)
        {
            return [];
        }

        var model = options?.ModelId ?? _model;
        var answer = await _sidecar.SendAsync("embed", SidecarRequests.Embed(model, _encoding, texts), model, cancellationToken).ConfigureAwait(false);
        var vectors = VectorBlock.Decode(answer, texts.Count, _sidecar.BackendId);
        var isDefaultModel = string.Equals(model, _model, StringComparison.Ordinal);
        if (isDefaultModel && _dimensions is { } expected && vectors.Dimensions != expected)
        {
            throw new BackendProtocolException(
                $"MLX embedding model '{model}' produced {vectors.Dimensions} dimensions, but the options declare {expected}; set {_sidecar.ConfigurationKey}:EmbeddingDimensions to {vectors.Dimensions}.")
            {
                BackendId = _sidecar.BackendId,
            };
        }

        if (isDefaultModel && Volatile.Read(ref _metadata) is { DefaultModelDimensions: null } undeclared)
        {
            Volatile.Write(ref _metadata, new EmbeddingGeneratorMetadata(undeclared.ProviderName, undeclared.ProviderUri, _model, vectors.Dimensions));
        }

        var created = _timeProvider.GetUtcNow();
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            result.Add(new Embedding<float>(vectors.Row(i)) { ModelId = answer.Model ?? model, CreatedAt = created });
        }

        if (answer.Usage?.PromptTokens is { } tokens)
        {
            result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        }

        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? Volatile.Read(ref _metadata)
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // The backend owns the sidecar.
    }
}
