using Microsoft.Extensions.AI;

namespace LocalAI.OpenAI;

/// <summary>The embedding generator of an OpenAI-compatible server (<c>/v1/embeddings</c>), declaring its model and dimensions so the router never mixes vectors of two models.</summary>
/// <remarks>Created without I/O: dimensions that are not configured are learnt from the first response, and declared from then on.</remarks>
internal sealed class OpenAICompatibleEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly OpenAIEndpoint _endpoint;
    private readonly OpenAIErrors _errors;
    private readonly TimeProvider _timeProvider;
    private readonly bool _checkModels;
    private readonly TimeSpan _timeout;
    private readonly Action<string, int> _learnt;
    private EmbeddingGeneratorMetadata _metadata;
    private string? _model;

    /// <summary>Initializes a new instance of the <see cref="OpenAICompatibleEmbeddingGenerator"/> class.</summary>
    /// <param name="endpoint">The server.</param>
    /// <param name="errors">Translates failures.</param>
    /// <param name="options">The backend's settings.</param>
    /// <param name="timeProvider">The clock for the timeout.</param>
    /// <param name="model">The embedding model; <see langword="null"/> for the server's only model, named once the first request has read the model list.</param>
    /// <param name="dimensions">The model's dimensions when known without asking the server.</param>
    /// <param name="learnt">Tells the backend the dimensions of a model once a response has shown them.</param>
    public OpenAICompatibleEmbeddingGenerator(
        OpenAIEndpoint endpoint, OpenAIErrors errors, OpenAICompatibleBackendOptions options, TimeProvider timeProvider, string? model, int? dimensions, Action<string, int> learnt)
    {
        _endpoint = endpoint;
        _errors = errors;
        _timeProvider = timeProvider;
        _model = model;
        _checkModels = options.CheckModels;
        _timeout = options.GenerationTimeout;
        _learnt = learnt;
        _metadata = new EmbeddingGeneratorMetadata(errors.BackendId, endpoint.Uri, model, dimensions);
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
        using var limit = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        GeneratedEmbeddings<Embedding<float>> result;
        try
        {
            if (_checkModels)
            {
                prepared.ModelId = await _endpoint.Catalog.ResolveAsync(prepared.ModelId, _errors, _endpoint.Uri, linked.Token).ConfigureAwait(false);
                if (defaultModel && Volatile.Read(ref _model) is null)
                {
                    // The server's only model: named from now on.
                    Volatile.Write(ref _model, prepared.ModelId);
                    var declared = Volatile.Read(ref _metadata);
                    Volatile.Write(ref _metadata, new EmbeddingGeneratorMetadata(declared.ProviderName, declared.ProviderUri, prepared.ModelId, declared.DefaultModelDimensions));
                }
            }

            result = await _endpoint.EmbeddingGenerator(prepared.ModelId!).GenerateAsync(texts, prepared, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw _errors.Timeout(_endpoint.Uri, _timeout, streaming: false, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw _errors.Translate(ex, _endpoint.Uri, prepared.ModelId);
        }

        Check(result, texts.Count, prepared.ModelId!);
        return result;
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
            return Volatile.Read(ref _metadata);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        // The endpoint belongs to the backend.
    }

    /// <summary>Checks that there is one vector per text, all of one length, and learns that length for the default model.</summary>
    private void Check(GeneratedEmbeddings<Embedding<float>> result, int expected, string model)
    {
        if (result.Count != expected)
        {
            throw _errors.BadEmbeddings(_endpoint.Uri, $"{result.Count} vectors for {expected} texts");
        }

        var length = result[0].Vector.Length;
        if (length == 0 || result.Any(e => e.Vector.Length != length))
        {
            throw _errors.BadEmbeddings(_endpoint.Uri, "vectors of different or zero lengths in one response");
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
                throw _errors.BadEmbeddings(_endpoint.Uri, $"{length} dimensions where {declared} are declared for '{model}'; fix {_errors.ConfigurationKey}:EmbeddingDimensions");
            }

            return;
        }

        Volatile.Write(ref _metadata, new EmbeddingGeneratorMetadata(metadata.ProviderName, metadata.ProviderUri, model, length));
        _learnt(model, length);
    }
}
